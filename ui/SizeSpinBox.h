#pragma once
// A spin box for a size in MiB that reads and writes sizes as the tables and the command
// lines do: it shows "512M", "2G", "1536M" (formatSizeMib()), and takes what parseSizeMib()
// takes ("4G", "4GiB", "3000" for MiB) and fractions of a unit that make whole MiB ("1.5G"),
// so that the size typed and the size listed are one text. Its value stays MiB, so sliders
// and code use it as a QSpinBox.

#include <QSpinBox>

#include <functional>

class QSlider;

namespace lendable::ui {

/// A spin box that says when it was stepped (an arrow clicked, a key, the mouse wheel), as
/// opposed to typed in: a step is a whole value, what is being typed may not be yet.
class StepSpinBox : public QSpinBox {
    Q_OBJECT
public:
    using QSpinBox::QSpinBox;
    void stepBy(int steps) override;

Q_SIGNALS:
    void stepped();
};

class SizeSpinBox : public StepSpinBox {
    Q_OBJECT
public:
    explicit SizeSpinBox(QWidget *parent = nullptr);

Q_SIGNALS:
    /// A size beyond the range was entered (Enter, the box left, interpretText()): the box
    /// goes back to its value, as a spin box does, and says so here so that what was typed is
    /// not dropped without a word. \a bound is what the box allows: "at most 1G", "at least 16M".
    void outOfRange(const QString &typed, const QString &bound);

protected:
    QString textFromValue(int mib) const override;
    int valueFromText(const QString &text) const override;
    QValidator::State validate(QString &input, int &pos) const override;
    void fixup(QString &input) const override;
};

/// A slider and a spin box that hold one resource amount together (an allocation, a reserve):
/// the spin box a SizeSpinBox when \a size (MiB), a QSpinBox of units otherwise; each follows
/// the other. Named \a name + "Slider" and \a name + "SpinBox" for tests; one \a step for
/// arrows and wheel, four for page steps. The caller lays them out and sets their ranges.
struct SliderSpin {
    QSlider *slider = nullptr;
    QSpinBox *spin = nullptr;
};
SliderSpin makeSliderSpin(QWidget *parent, bool size, int step, const QString &name);
/// Calls \a apply (in \a context) once a change of \a c is settled: a drag released, typing
/// finished, or a key or page click beside the handle (which moves it without a release); and
/// kStepSettleMs after the last of a run of the slider's wheel notches or the spin box's steps
/// (arrows, keys, wheel), which neither release nor finish anything. \a apply may be called
/// for a value it applied already, and is expected to do nothing then.
void onValueSettled(const SliderSpin &c, QObject *context, const std::function<void()> &apply);
inline constexpr int kStepSettleMs = 400;
/// Whether the user is in the middle of changing \a c: its handle held, a run of steps or
/// wheel notches not settled yet (onValueSettled()), or a number typed in the spin box and not
/// yet entered. A value set from elsewhere meanwhile (an agent's push) would undo what the
/// user did before it is applied.
bool isChanging(const SliderSpin &c);
/// Sets \a c's range, and its value to \a value unless \a keepUsersChange and the user is
/// changing it (isChanging()): then the user's value stays, within the new range, for
/// onValueSettled()'s apply to send. A number typed and not yet entered is left as it is.
/// Without \a keepUsersChange (what the user changes can no longer be applied, say), the
/// value is set and a run of steps still to settle is dropped.
void setRangeAndValue(const SliderSpin &c, int min, int max, int value, bool keepUsersChange = true);

} // namespace lendable::ui
