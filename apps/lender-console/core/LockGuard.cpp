#include "LockGuard.h"

#include <cstring>

namespace lendable::lender {

namespace {
virTypedParameter ullParam(const char *name, unsigned long long v)
{
    virTypedParameter p;
    std::memset(&p, 0, sizeof p);
    qstrncpy(p.field, name, VIR_TYPED_PARAM_FIELD_LENGTH);
    p.type = VIR_TYPED_PARAM_ULLONG;
    p.value.ul = v;
    return p;
}
virTypedParameter llParam(const char *name, long long v)
{
    virTypedParameter p;
    std::memset(&p, 0, sizeof p);
    qstrncpy(p.field, name, VIR_TYPED_PARAM_FIELD_LENGTH);
    p.type = VIR_TYPED_PARAM_LLONG;
    p.value.l = v;
    return p;
}

bool has(const QList<TunableDiff> &diffs, const char *what)
{
    for (const TunableDiff &d : diffs)
        if (d.what == QLatin1String(what))
            return true;
    return false;
}
} // namespace

LockReport AuditResult::report() const
{
    LockReport r;
    for (const TunableDiff &d : found) {
        bool stillThere = false;
        for (const TunableDiff &rest : remaining)
            stillThere = stillThere || rest.what == d.what;
        r.changes << d.change(!stillThere);
    }
    r.restoreErrors = restoreErrors;
    return r;
}

Result<ParsedDomain> liveDomain(VirtConnection &virt, const QString &domainName)
{
    DomainRef d = virt.lookup(domainName);
    if (!d)
        return Error(ErrorCode::NotFound, QStringLiteral("domain %1 is gone").arg(domainName));
    Result<QString> xml = virt.liveXml(d.get());
    if (!xml.ok())
        return xml.error();
    return parseDomainXml(*xml);
}

Result<Tunables> liveTunables(VirtConnection &virt, const QString &domainName)
{
    Result<ParsedDomain> parsed = liveDomain(virt, domainName);
    if (!parsed.ok())
        return parsed.error();
    return parsed->tunables;
}

Result<AuditResult> auditAndRestore(VirtConnection &virt, const QString &domainName, const Tunables &lease)
{
    DomainRef d = virt.lookup(domainName);
    if (!d || virDomainIsActive(d.get()) != 1)
        return Error(ErrorCode::NotFound, QStringLiteral("domain %1 is gone").arg(domainName));
    Result<Tunables> live = liveTunables(virt, domainName);
    if (!live.ok())
        return live.error();
    AuditResult result;
    result.found = compareTunables(lease, *live);
    if (result.found.isEmpty())
        return result;

    auto failed = [&](const QString &what) { result.restoreErrors << virtError(what).message; };
    if (has(result.found, "current_memory") && lease.currentMemoryKib > 0) {
        if (virDomainSetMemoryFlags(d.get(), (unsigned long)lease.currentMemoryKib, VIR_DOMAIN_AFFECT_LIVE) < 0)
            failed(QStringLiteral("memory"));
    }
    if (has(result.found, "vcpus") && lease.vcpus > 0) {
        if (virDomainSetVcpusFlags(d.get(), (unsigned)lease.vcpus, VIR_DOMAIN_AFFECT_LIVE) < 0)
            failed(QStringLiteral("vcpus"));
    }
    if (has(result.found, "hard_limit") && lease.hardLimitKib > 0) {
        virTypedParameter p = ullParam(VIR_DOMAIN_MEMORY_HARD_LIMIT, (unsigned long long)lease.hardLimitKib);
        if (virDomainSetMemoryParameters(d.get(), &p, 1, VIR_DOMAIN_AFFECT_LIVE) < 0)
            failed(QStringLiteral("hard_limit"));
    }
    QList<virTypedParameter> sched;
    if (has(result.found, "cpu_shares") && lease.cpuShares >= 0)
        sched << ullParam(VIR_DOMAIN_SCHEDULER_CPU_SHARES, (unsigned long long)lease.cpuShares);
    if (has(result.found, "vcpu_period") && lease.cpuPeriodUs >= 0)
        sched << ullParam(VIR_DOMAIN_SCHEDULER_VCPU_PERIOD, (unsigned long long)lease.cpuPeriodUs);
    if (has(result.found, "vcpu_quota") && lease.cpuQuotaUs >= 0)
        sched << llParam(VIR_DOMAIN_SCHEDULER_VCPU_QUOTA, lease.cpuQuotaUs);
    if (!sched.isEmpty() &&
        virDomainSetSchedulerParametersFlags(d.get(), sched.data(), int(sched.size()), VIR_DOMAIN_AFFECT_LIVE) < 0)
        failed(QStringLiteral("cputune"));

    if (has(result.found, "cpu_pin") && lease.cpuMask > 0) {
        const quint64 mask = quint64(lease.cpuMask);
        unsigned char map[8] = {};
        int maplen = 0;
        for (int cpu = 0; cpu < 64; ++cpu)
            if (mask & (quint64(1) << cpu)) {
                map[cpu / 8] |= (unsigned char)(1u << (cpu % 8));
                maplen = cpu / 8 + 1;
            }
        bool ok = true;
        for (int v = 0; v < qMax(1, lease.vcpus); ++v)
            ok = virDomainPinVcpuFlags(d.get(), unsigned(v), map, maplen, VIR_DOMAIN_AFFECT_LIVE) == 0 && ok;
        ok = virDomainPinEmulator(d.get(), map, maplen, VIR_DOMAIN_AFFECT_LIVE) == 0 && ok;
        if (!ok)
            failed(QStringLiteral("cpu_pin"));
    }

    Result<Tunables> after = liveTunables(virt, domainName);
    result.remaining = after.ok() ? compareTunables(lease, *after) : result.found;
    return result;
}

} // namespace lendable::lender
