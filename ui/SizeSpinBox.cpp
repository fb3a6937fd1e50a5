#include "SizeSpinBox.h"

#include "model/Resources.h"

#include <QRegularExpression>
#include <QSlider>
#include <QLineEdit>
#include <QTimer>

#include <algorithm>
#include <optional>

namespace lendable::ui {

void StepSpinBox::stepBy(int steps)
{
    QSpinBox::stepBy(steps);
    Q_EMIT stepped();
}

SizeSpinBox::SizeSpinBox(QWidget *parent)
    : StepSpinBox(parent)
{
    setToolTip(tr("A size in MiB, or with a unit: 512M, 4G, 1T"));
}

QString SizeSpinBox::textFromValue(int mib) const
{
    return formatSizeMib(mib);
}

namespace {
// What parseSizeMib() reads, and a fraction of a unit that is a whole number of MiB ("1.5G",
// "0,5G": typed in a box there is no one to tell to write 1536M instead).
std::optional<qint64> sizeOf(const QString &typed)
{
    const QString text = typed.trimmed();
    if (const Result<qint64> mib = parseSizeMib(text); mib)
        return *mib;
    static const QRegularExpression fraction(QStringLiteral("^([0-9]{1,6})[.,]([0-9]{1,3})([KMGTkmgt])([Ii]?[Bb])?$"));
    const QRegularExpressionMatch m = fraction.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const QString decimals = m.captured(2);
    qint64 scale = 1;
    for (qsizetype i = 0; i < decimals.size(); ++i)
        scale *= 10;
    const qint64 scaled = m.captured(1).toLongLong() * scale + decimals.toLongLong(); // the number × scale, below 10^9
    const int unit = QStringLiteral("KMGT").indexOf(m.captured(3).toUpper());
    const qint64 kib = scaled * (qint64(1) << (10 * unit)); // × scale; below 10^9 × 2^30 < 2^63
    if (kib % (scale * 1024) != 0)
        return std::nullopt; // not a whole number of MiB
    return kib / (scale * 1024);
}
} // namespace

int SizeSpinBox::valueFromText(const QString &text) const
{
    const std::optional<qint64> mib = sizeOf(text);
    return mib ? int(std::clamp<qint64>(*mib, minimum(), maximum())) : value();
}

QValidator::State SizeSpinBox::validate(QString &input, int &) const
{
    if (const std::optional<qint64> mib = sizeOf(input); mib && *mib >= minimum() && *mib <= maximum())
        return QValidator::Acceptable;
    // On the way to a size: digits, perhaps a fraction, then perhaps the start of a unit
    // ("4", "1.", "1.5G", "4Gi").
    static const QRegularExpression typing(QStringLiteral("^[0-9]*([.,][0-9]*)?([KMGTkmgt]([Ii]?[Bb]?)?)?$"));
    return typing.match(input.trimmed()).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
}

void SizeSpinBox::fixup(QString &input) const
{
    // Qt asks for a fix when what is entered is not a value of the box, and then puts the
    // value back. A size it cannot take is said (the signal is the box's, not a change of it).
    StepSpinBox::fixup(input);
    if (const std::optional<qint64> mib = sizeOf(input); mib && (*mib < minimum() || *mib > maximum())) {
        const QString bound = *mib > maximum() ? tr("at most %1").arg(formatSizeMib(maximum()))
                                               : tr("at least %1").arg(formatSizeMib(minimum()));
        Q_EMIT const_cast<SizeSpinBox *>(this)->outOfRange(input.trimmed(), bound);
    }
}

SliderSpin makeSliderSpin(QWidget *parent, bool size, int step, const QString &name)
{
    SliderSpin c;
    c.slider = new QSlider(Qt::Horizontal, parent);
    c.slider->setObjectName(name + QStringLiteral("Slider"));
    c.slider->setSingleStep(step);
    c.slider->setPageStep(step * 4);
    c.spin = size ? new SizeSpinBox(parent) : new StepSpinBox(parent);
    c.spin->setObjectName(name + QStringLiteral("SpinBox"));
    c.spin->setSingleStep(step);
    QObject::connect(c.slider, &QSlider::valueChanged, c.spin, &QSpinBox::setValue);
    QObject::connect(c.spin, &QSpinBox::valueChanged, c.slider, &QSlider::setValue);
    return c;
}

namespace {
constexpr const char *kSettleTimerName = "valueSettleTimer";

QTimer *settleTimer(const SliderSpin &c)
{
    return c.slider->findChild<QTimer *>(QLatin1String(kSettleTimerName), Qt::FindDirectChildrenOnly);
}

// A number typed in the spin box and not entered yet (keyboard tracking is off).
bool isTyping(const SliderSpin &c)
{
    if (!c.spin->hasFocus())
        return false;
    const auto *edit = c.spin->findChild<QLineEdit *>();
    return edit && edit->isModified();
}

} // namespace

bool isChanging(const SliderSpin &c)
{
    if (c.slider->isSliderDown() || isTyping(c))
        return true;
    const QTimer *settle = settleTimer(c);
    return settle && settle->isActive();
}

void setRangeAndValue(const SliderSpin &c, int min, int max, int value, bool keepUsersChange)
{
    if (keepUsersChange && isTyping(c))
        return; // entered, it is applied, and the next news sets the range
    const bool keep = keepUsersChange && isChanging(c);
    if (!keepUsersChange) {
        if (QTimer *settle = settleTimer(c))
            settle->stop();
    }
    const int shown = keep ? c.spin->value() : value;
    c.slider->setRange(min, max);
    c.spin->setRange(min, max);
    c.slider->setValue(qBound(min, shown, max));
    c.spin->setValue(qBound(min, shown, max));
}

void onValueSettled(const SliderSpin &c, QObject *context, const std::function<void()> &apply)
{
    // Steps in a run (wheel notches, a held arrow key) are one change, applied once they stop.
    auto *settle = new QTimer(c.slider);
    settle->setObjectName(QLatin1String(kSettleTimerName));
    settle->setSingleShot(true);
    settle->setInterval(kStepSettleMs);
    const auto run = [settle, slider = c.slider, apply] {
        settle->stop();
        if (!slider->isSliderDown())
            apply();
    };
    QObject::connect(settle, &QTimer::timeout, context, run);
    QObject::connect(c.slider, &QSlider::sliderReleased, context, run);
    QObject::connect(c.spin, &QSpinBox::editingFinished, context, run);
    if (auto *steps = qobject_cast<StepSpinBox *>(c.spin))
        QObject::connect(steps, &StepSpinBox::stepped, settle, qOverload<>(&QTimer::start));
    QObject::connect(c.slider, &QSlider::actionTriggered, context, [context, slider = c.slider, settle, run](int action) {
        if (action != QAbstractSlider::SliderMove) // a key or a click beside the handle
            QTimer::singleShot(0, context, run);
        else if (!slider->isSliderDown()) // the wheel (a drag holds the handle down)
            settle->start();
    });
}

} // namespace lendable::ui
