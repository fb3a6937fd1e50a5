#pragma once
// The GUI tests wait for what a window shows after a round trip to a real market or agent,
// often while ctest runs other suites on the same two cores: QtTest's 5 s default for the
// QTRY_ macros is tight there. A wait still ends as soon as its condition holds, so a longer
// bound costs a passing test nothing. Include after <QTest> (or a header that includes it).

#include <QTest>

namespace lendable::test {
/// How long a GUI test waits for a window to show what it should.
inline constexpr int kGuiWaitMs = 20'000;
} // namespace lendable::test

#undef QTRY_VERIFY
#define QTRY_VERIFY(expr) QTRY_VERIFY_WITH_TIMEOUT(expr, lendable::test::kGuiWaitMs)
#undef QTRY_VERIFY2
#define QTRY_VERIFY2(expr, messageExpression) QTRY_VERIFY2_WITH_TIMEOUT(expr, messageExpression, lendable::test::kGuiWaitMs)
#undef QTRY_COMPARE
#define QTRY_COMPARE(expr, expected) QTRY_COMPARE_WITH_TIMEOUT(expr, expected, lendable::test::kGuiWaitMs)
