#include "DomainXml.h"

#include <QXmlStreamReader>
#include <QXmlStreamWriter>

namespace lendable::lender {

qint64 hardLimitFor(qint64 memoryMib, const QString &virtType)
{
    // Measured: a 256 MiB debian-12 guest peaked at 284 MiB of cgroup memory; TCG's
    // translation cache grows with use, so its margin is wider.
    return memoryMib + (virtType == QLatin1String("kvm") ? 256 : 512);
}

DomainSpec partitionDomainSpec(int vcpus, qint64 memoryMib, const QString &virtType)
{
    DomainSpec s;
    s.virtType = virtType;
    s.vcpus = vcpus;
    s.memoryMib = memoryMib;
    s.hardLimitMib = hardLimitFor(memoryMib, virtType);
    s.cpuShares = quint64(1024) * quint64(qMax(1, vcpus));
    s.cpuPeriodUs = 100000;
    s.cpuQuotaUs = 100000;
    return s;
}

QString domainXml(const DomainSpec &s)
{
    QString out;
    QXmlStreamWriter w(&out);
    w.setAutoFormatting(true);
    w.setAutoFormattingIndent(2);
    w.writeStartElement(QStringLiteral("domain"));
    w.writeAttribute(QStringLiteral("type"), s.virtType);
    w.writeTextElement(QStringLiteral("name"), s.name);

    w.writeStartElement(QStringLiteral("metadata"));
    w.writeNamespace(QLatin1String(kMetadataNs), QStringLiteral("lendable"));
    w.writeStartElement(QLatin1String(kMetadataNs), QStringLiteral("job"));
    w.writeAttribute(QStringLiteral("partition"), s.partitionId);
    w.writeAttribute(QStringLiteral("id"), s.jobId);
    if (!s.agentId.isEmpty())
        w.writeAttribute(QStringLiteral("agent"), s.agentId);
    w.writeEndElement();
    w.writeEndElement();

    // memory == currentMemory and no balloon: the guest has all of its memory all the time.
    w.writeStartElement(QStringLiteral("memory"));
    w.writeAttribute(QStringLiteral("unit"), QStringLiteral("MiB"));
    w.writeCharacters(QString::number(s.memoryMib));
    w.writeEndElement();
    w.writeStartElement(QStringLiteral("currentMemory"));
    w.writeAttribute(QStringLiteral("unit"), QStringLiteral("MiB"));
    w.writeCharacters(QString::number(s.memoryMib));
    w.writeEndElement();
    if (s.hardLimitMib > 0) {
        w.writeStartElement(QStringLiteral("memtune"));
        w.writeStartElement(QStringLiteral("hard_limit"));
        w.writeAttribute(QStringLiteral("unit"), QStringLiteral("KiB"));
        w.writeCharacters(QString::number(s.hardLimitMib * 1024));
        w.writeEndElement();
        w.writeEndElement();
    }
    // vCPUs at their maximum: no "current" attribute, so none can be hot-added later.
    w.writeStartElement(QStringLiteral("vcpu"));
    w.writeAttribute(QStringLiteral("placement"), QStringLiteral("static"));
    w.writeCharacters(QString::number(s.vcpus));
    w.writeEndElement();
    w.writeStartElement(QStringLiteral("cputune"));
    w.writeTextElement(QStringLiteral("shares"), QString::number(s.cpuShares));
    w.writeTextElement(QStringLiteral("period"), QString::number(s.cpuPeriodUs));
    w.writeTextElement(QStringLiteral("quota"), QString::number(s.cpuQuotaUs));
    if (s.cpuMask != 0) {
        const QString set = cpuSetString(s.cpuMask);
        for (int v = 0; v < s.vcpus; ++v) {
            w.writeEmptyElement(QStringLiteral("vcpupin"));
            w.writeAttribute(QStringLiteral("vcpu"), QString::number(v));
            w.writeAttribute(QStringLiteral("cpuset"), set);
        }
        w.writeEmptyElement(QStringLiteral("emulatorpin"));
        w.writeAttribute(QStringLiteral("cpuset"), set);
    }
    w.writeEndElement();

    w.writeStartElement(QStringLiteral("os"));
    w.writeStartElement(QStringLiteral("type"));
    w.writeAttribute(QStringLiteral("arch"), QStringLiteral("x86_64"));
    w.writeAttribute(QStringLiteral("machine"), QStringLiteral("pc"));
    w.writeCharacters(QStringLiteral("hvm"));
    w.writeEndElement();
    w.writeTextElement(QStringLiteral("kernel"), s.kernel);
    w.writeTextElement(QStringLiteral("initrd"), s.initrd);
    w.writeTextElement(QStringLiteral("cmdline"), s.cmdline);
    w.writeEndElement();
    // Without ACPI, the guest's poweroff only halts and the domain never ends.
    w.writeStartElement(QStringLiteral("features"));
    w.writeEmptyElement(QStringLiteral("acpi"));
    w.writeEndElement();
    w.writeTextElement(QStringLiteral("on_poweroff"), QStringLiteral("destroy"));
    w.writeTextElement(QStringLiteral("on_reboot"), QStringLiteral("destroy"));
    w.writeTextElement(QStringLiteral("on_crash"), QStringLiteral("destroy"));

    w.writeStartElement(QStringLiteral("devices"));
    w.writeStartElement(QStringLiteral("filesystem"));
    w.writeAttribute(QStringLiteral("type"), QStringLiteral("mount"));
    // 'passthrough' fails unless QEMU runs as root; 'mapped' keeps guest owners in xattrs.
    w.writeAttribute(QStringLiteral("accessmode"), QStringLiteral("mapped"));
    w.writeEmptyElement(QStringLiteral("source"));
    w.writeAttribute(QStringLiteral("dir"), s.shareDir);
    w.writeEmptyElement(QStringLiteral("target"));
    w.writeAttribute(QStringLiteral("dir"), QStringLiteral("lendable"));
    w.writeEndElement();
    w.writeStartElement(QStringLiteral("serial"));
    w.writeAttribute(QStringLiteral("type"), QStringLiteral("file"));
    w.writeEmptyElement(QStringLiteral("source"));
    w.writeAttribute(QStringLiteral("path"), s.consolePath);
    w.writeAttribute(QStringLiteral("append"), QStringLiteral("off"));
    w.writeEmptyElement(QStringLiteral("target"));
    w.writeAttribute(QStringLiteral("port"), QStringLiteral("0"));
    w.writeEndElement();
    w.writeEmptyElement(QStringLiteral("controller"));
    w.writeAttribute(QStringLiteral("type"), QStringLiteral("usb"));
    w.writeAttribute(QStringLiteral("model"), QStringLiteral("none"));
    w.writeEmptyElement(QStringLiteral("memballoon"));
    w.writeAttribute(QStringLiteral("model"), QStringLiteral("none"));
    w.writeEndElement(); // devices

    if (!s.seclabelUser.isEmpty()) {
        w.writeStartElement(QStringLiteral("seclabel"));
        w.writeAttribute(QStringLiteral("type"), QStringLiteral("static"));
        w.writeAttribute(QStringLiteral("model"), QStringLiteral("dac"));
        w.writeAttribute(QStringLiteral("relabel"), QStringLiteral("no"));
        w.writeTextElement(QStringLiteral("label"), QStringLiteral("+0:+0"));
        w.writeEndElement();
    }
    w.writeEndElement(); // domain
    w.writeEndDocument();
    // The writer starts with a newline where an XML declaration would go.
    if (out.startsWith(QLatin1Char('\n')))
        out.remove(0, 1);
    return out;
}

Tunables leaseTunables(const DomainSpec &s)
{
    Tunables t;
    t.vcpus = s.vcpus;
    t.maxVcpus = s.vcpus;
    t.memoryKib = s.memoryMib * 1024;
    t.currentMemoryKib = s.memoryMib * 1024;
    t.hardLimitKib = s.hardLimitMib > 0 ? s.hardLimitMib * 1024 : -1;
    t.cpuShares = qint64(s.cpuShares);
    t.cpuPeriodUs = s.cpuPeriodUs;
    t.cpuQuotaUs = s.cpuQuotaUs;
    t.cpuMask = s.cpuMask != 0 ? qint64(s.cpuMask) : -1;
    return t;
}

QString cpuSetString(quint64 mask)
{
    QStringList parts;
    for (int cpu = 0; cpu < 64; ++cpu) {
        if (!(mask & (quint64(1) << cpu)))
            continue;
        int last = cpu;
        while (last + 1 < 64 && (mask & (quint64(1) << (last + 1))))
            ++last;
        parts << (last == cpu ? QString::number(cpu) : QStringLiteral("%1-%2").arg(cpu).arg(last));
        cpu = last;
    }
    return parts.join(QLatin1Char(','));
}

std::optional<quint64> parseCpuSet(QStringView set)
{
    quint64 mask = 0;
    quint64 excluded = 0;
    const auto items = set.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (items.isEmpty())
        return std::nullopt;
    for (QStringView item : items) {
        item = item.trimmed();
        const bool exclude = item.startsWith(QLatin1Char('^'));
        if (exclude)
            item = item.mid(1);
        const qsizetype dash = item.indexOf(QLatin1Char('-'));
        bool ok1 = false;
        bool ok2 = false;
        const int from = (dash < 0 ? item : item.left(dash)).toInt(&ok1);
        const int to = dash < 0 ? from : item.mid(dash + 1).toInt(&ok2);
        if (!ok1 || (dash >= 0 && !ok2) || from < 0 || to < from || to > 63)
            return std::nullopt;
        for (int cpu = from; cpu <= to; ++cpu)
            (exclude ? excluded : mask) |= quint64(1) << cpu;
    }
    return mask & ~excluded;
}

namespace {
qint64 toKib(qint64 value, QStringView unit)
{
    const QString u = unit.toString().toLower();
    if (u.isEmpty() || u == QLatin1String("kib") || u == QLatin1String("k"))
        return value;
    if (u == QLatin1String("b") || u == QLatin1String("bytes"))
        return value / 1024;
    if (u == QLatin1String("mib") || u == QLatin1String("m"))
        return value * 1024;
    if (u == QLatin1String("gib") || u == QLatin1String("g"))
        return value * 1024 * 1024;
    if (u == QLatin1String("kb"))
        return value * 1000 / 1024;
    if (u == QLatin1String("mb"))
        return value * 1000 * 1000 / 1024;
    return value;
}
} // namespace

Result<ParsedDomain> parseDomainXml(const QString &xml)
{
    ParsedDomain p;
    quint64 emulatorMask = 0;
    QXmlStreamReader r(xml);
    QStringList path;
    QString unit;
    while (!r.atEnd()) {
        const auto token = r.readNext();
        if (token == QXmlStreamReader::StartElement) {
            path << r.name().toString();
            const QString here = path.join(QLatin1Char('/'));
            unit = r.attributes().value(QStringLiteral("unit")).toString();
            if (here == QLatin1String("domain"))
                p.virtType = r.attributes().value(QStringLiteral("type")).toString();
            if (here == QLatin1String("domain/vcpu")) {
                const auto cur = r.attributes().value(QStringLiteral("current"));
                const QString text = r.readElementText();
                path.removeLast();
                p.tunables.maxVcpus = text.trimmed().toInt();
                p.tunables.vcpus = cur.isEmpty() ? p.tunables.maxVcpus : cur.toInt();
                continue;
            }
            if (here == QLatin1String("domain/metadata/job") && r.namespaceUri() == QLatin1String(kMetadataNs)) {
                p.partitionId = r.attributes().value(QStringLiteral("partition")).toString();
                p.jobId = r.attributes().value(QStringLiteral("id")).toString();
                p.agentId = r.attributes().value(QStringLiteral("agent")).toString();
            }
            if (here == QLatin1String("domain/cputune/vcpupin") || here == QLatin1String("domain/cputune/emulatorpin")) {
                const std::optional<quint64> m = parseCpuSet(r.attributes().value(QStringLiteral("cpuset")));
                if (!m)
                    return Error(ErrorCode::VirtError, QStringLiteral("domain XML: unreadable cpuset in %1").arg(here));
                if (here.endsWith(QLatin1String("vcpupin")) || p.tunables.cpuMask >= 0)
                    p.tunables.cpuMask = (p.tunables.cpuMask < 0 ? 0 : p.tunables.cpuMask) | qint64(*m);
                else
                    emulatorMask |= *m;
                continue;
            }
            static const QStringList leaves = {
                QStringLiteral("domain/name"), QStringLiteral("domain/memory"), QStringLiteral("domain/currentMemory"),
                QStringLiteral("domain/memtune/hard_limit"), QStringLiteral("domain/cputune/shares"),
                QStringLiteral("domain/cputune/period"), QStringLiteral("domain/cputune/quota")};
            if (!leaves.contains(here))
                continue;
            const QString text = r.readElementText().trimmed();
            path.removeLast();
            bool ok = true;
            if (here == QLatin1String("domain/name")) {
                p.name = text;
                continue;
            }
            const qint64 v = text.toLongLong(&ok);
            if (!ok)
                return Error(ErrorCode::VirtError, QStringLiteral("domain XML: %1 is not a number: %2").arg(here, text));
            if (here == QLatin1String("domain/memory"))
                p.tunables.memoryKib = toKib(v, unit);
            else if (here == QLatin1String("domain/currentMemory"))
                p.tunables.currentMemoryKib = toKib(v, unit);
            else if (here == QLatin1String("domain/memtune/hard_limit"))
                p.tunables.hardLimitKib = toKib(v, unit);
            else if (here == QLatin1String("domain/cputune/shares"))
                p.tunables.cpuShares = v;
            else if (here == QLatin1String("domain/cputune/period"))
                p.tunables.cpuPeriodUs = v;
            else if (here == QLatin1String("domain/cputune/quota"))
                p.tunables.cpuQuotaUs = v;
        } else if (token == QXmlStreamReader::EndElement) {
            if (!path.isEmpty())
                path.removeLast();
        }
    }
    if (r.hasError())
        return Error(ErrorCode::VirtError, QStringLiteral("unreadable domain XML: %1").arg(r.errorString()));
    // The emulator's pin joins the vCPUs' (it may come first in the XML); on its own it pins
    // no vCPU, so the domain counts as not pinned.
    if (p.tunables.cpuMask >= 0)
        p.tunables.cpuMask |= qint64(emulatorMask);
    if (p.name.isEmpty())
        return Error(ErrorCode::VirtError, QStringLiteral("domain XML without a name"));
    return p;
}

LockChange TunableDiff::change(bool restored) const
{
    const auto text = [this](qint64 v) {
        if (what == QLatin1String("cpu_pin"))
            return v < 0 ? QStringLiteral("none") : cpuSetString(quint64(v));
        return QString::number(v);
    };
    return LockChange{.what = what, .leased = text(leased), .live = text(live), .restored = restored};
}

QList<TunableDiff> compareTunables(const Tunables &lease, const Tunables &live)
{
    QList<TunableDiff> diffs;
    auto check = [&](const char *what, qint64 a, qint64 b) {
        if (a >= 0 && a != b)
            diffs.append(TunableDiff{QString::fromLatin1(what), a, b});
    };
    check("vcpus", lease.vcpus, live.vcpus);
    check("max_vcpus", lease.maxVcpus, live.maxVcpus);
    check("memory", lease.memoryKib, live.memoryKib);
    check("current_memory", lease.currentMemoryKib, live.currentMemoryKib);
    check("hard_limit", lease.hardLimitKib, live.hardLimitKib);
    check("cpu_shares", lease.cpuShares, live.cpuShares);
    check("vcpu_period", lease.cpuPeriodUs, live.cpuPeriodUs);
    check("vcpu_quota", lease.cpuQuotaUs, live.cpuQuotaUs);
    check("cpu_pin", lease.cpuMask, live.cpuMask);
    return diffs;
}

QDebug operator<<(QDebug dbg, const Tunables &t)
{
    QDebugStateSaver s(dbg);
    dbg.nospace() << "Tunables(vcpus=" << t.vcpus << "/" << t.maxVcpus << " mem=" << t.memoryKib << "/"
                  << t.currentMemoryKib << " hard=" << t.hardLimitKib << " shares=" << t.cpuShares
                  << " period=" << t.cpuPeriodUs << " quota=" << t.cpuQuotaUs << " cpus="
                  << (t.cpuMask < 0 ? QStringLiteral("-") : cpuSetString(quint64(t.cpuMask))) << ")";
    return dbg;
}

} // namespace lendable::lender
