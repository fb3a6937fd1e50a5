#include "BorrowerSession.h"

#include "protocol/ReceiptJson.h"
#include "protocol/RequestId.h"
#include "util/Paths.h"

#include <QSet>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QPointer>
#include <QSaveFile>
#include <QStorageInfo>

namespace lendable::borrower {

namespace {
const QString kMarketAddressSetting = QStringLiteral("market_address");
const QString kMarketIdSetting = QStringLiteral("market_id");
const QString kDisplayNameSetting = QStringLiteral("display_name");
/// The markets (IDs, comma-separated) that accepted the current display name.
const QString kDisplayNameMarketsSetting = QStringLiteral("display_name_markets");

// Times a Borrow is sent, with its request ID, while its answers are lost.
constexpr int kBorrowAttempts = 4;
bool isLostAnswer(const Error &e)
{
    return e.code == ErrorCode::ConnectionClosed || e.code == ErrorCode::Timeout;
}

QString lenderKeyOf(const QString &lenderId, const QString &address)
{
    return lenderId + QLatin1Char('@') + address;
}

Result<void> writeFile(const QString &path, const QByteArray &data)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size() || !f.commit())
        return Error(ErrorCode::IoError, BorrowerSession::tr("cannot write %1: %2").arg(path, f.errorString()));
    return {};
}

// Output names come from the guest: only a plain file name is kept, inside out/.
bool isPlainFileName(const QString &name)
{
    const QString base = QFileInfo(name).fileName();
    return !base.isEmpty() && base != QLatin1String(".") && base != QLatin1String("..") && base == name;
}

QString notPlainFileName(const QString &name)
{
    return BorrowerSession::tr("output \"%1\" was not kept: its name is not a plain file name").arg(name);
}
} // namespace

BorrowerSession::BorrowerSession(QString dataDir, QObject *parent)
    : QObject(parent)
    , m_dataDir(QDir(dataDir).absolutePath())
{
}

BorrowerSession::~BorrowerSession() = default;

Result<void> BorrowerSession::open()
{
    Result<Identity> id = Identity::loadOrCreate(m_dataDir, QStringLiteral("borrower"));
    if (!id)
        return id.error();
    m_identity = *id;
    Result<BorrowerStore> store = BorrowerStore::open(m_dataDir);
    if (!store)
        return store.error();
    m_store.emplace(std::move(store).value());
    return {};
}

void BorrowerSession::setReconnectPolicy(const ReconnectPolicy &policy)
{
    m_policy = policy;
    if (m_market)
        m_market->setPolicy(policy);
    for (PeerLink *l : std::as_const(m_lenders))
        l->setPolicy(policy);
}

Result<void> BorrowerSession::setMarket(const QString &address, const QString &marketId)
{
    QString addr = address.trimmed();
    QString id = marketId.trimmed().toLower();
    if (addr.isEmpty())
        addr = m_store->setting(kMarketAddressSetting);
    if (id.isEmpty())
        id = m_store->setting(kMarketIdSetting);
    if (!addr.isEmpty()) {
        if (Result<std::pair<QString, quint16>> hp = parseHostPort(addr, tr("market")); !hp)
            return hp.error();
    }
    if (!id.isEmpty() && !Identity::isValidNodeId(id))
        return Error(ErrorCode::InvalidArgument,
                     tr("'%1' is not a market ID (64 hex characters, as `market-manager --print-id` prints)").arg(marketId));
    if ((addr != m_marketAddress || id != m_marketId) && m_market) {
        // What still waits on the old market is told so, not left waiting for ever.
        PeerLink *old = std::exchange(m_market, nullptr);
        old->disconnect(this);
        old->disconnectFromPeer(Error(ErrorCode::Cancelled, tr("the market at %1 is no longer used: another market was chosen").arg(old->address())));
        old->deleteLater();
    }
    m_marketAddress = addr;
    m_marketId = id;
    if (!address.trimmed().isEmpty() && !marketId.trimmed().isEmpty()) {
        if (Result<void> r = m_store->setSetting(kMarketAddressSetting, addr); !r)
            return r;
        if (Result<void> r = m_store->setSetting(kMarketIdSetting, id); !r)
            return r;
    }
    return {};
}

QString BorrowerSession::marketHint() const
{
    return m_marketHint.isEmpty() ? tr("is the market running there? check --market and --market-id") : m_marketHint;
}

void BorrowerSession::setMarketHint(const QString &hint)
{
    m_marketHint = hint;
    if (m_market)
        m_market->setHint(marketHint());
}

Result<PeerLink *> BorrowerSession::marketLink()
{
    if (m_marketAddress.isEmpty() || m_marketId.isEmpty())
        return Error(ErrorCode::InvalidArgument,
                     tr("no market is configured; pass --market ADDR:PORT and --market-id ID "
                        "(the market's operator gets the ID with `market-manager --print-id`)"));
    if (!m_market) {
        m_market = new PeerLink(m_identity, tr("market"), m_marketAddress, m_marketId, m_policy, marketHint(), this);
        connect(m_market, &PeerLink::retrying, this, &BorrowerSession::marketUnreachable);
        connect(m_market, &PeerLink::connected, this, &BorrowerSession::marketConnected);
        // A name set (or forgotten) while another market was in use: this market is told
        // before anything else. The list is empty only if no name was ever set here.
        const QString name = displayName();
        const QStringList told = marketsToldTheName();
        if ((!name.isEmpty() || !told.isEmpty()) && !told.contains(m_marketId)) {
            const QString marketId = m_marketId;
            m_market->request<protocol::Ack>(protocol::SetBorrowerName{.name = name}, this, [this, name, marketId](Result<protocol::Ack> r) {
                if (r.ok())
                    rememberNameToldTo(name, marketId);
                else
                    emit error(r.error());
            });
        }
    }
    return m_market;
}

Result<PeerLink *> BorrowerSession::contractMarketLink(const QString &address, const QString &marketId)
{
    if (marketId.isEmpty() || address.isEmpty() || marketId == m_marketId)
        return marketLink();
    if (PeerLink *known = m_otherMarkets.value(marketId))
        return known;
    if (Result<std::pair<QString, quint16>> hp = parseHostPort(address, tr("market")); !hp)
        return hp.error();
    auto *link = new PeerLink(m_identity, tr("market"), address, marketId, m_policy,
                              tr("is the market the contract was made with still running there?"), this);
    m_otherMarkets.insert(marketId, link);
    return link;
}

QString BorrowerSession::displayName()
{
    return m_store ? m_store->setting(kDisplayNameSetting) : QString();
}

QStringList BorrowerSession::marketsToldTheName()
{
    return m_store->setting(kDisplayNameMarketsSetting).split(QLatin1Char(','), Qt::SkipEmptyParts);
}

void BorrowerSession::rememberNameToldTo(const QString &name, const QString &marketId)
{
    if (displayName() != name)
        return; // changed meanwhile
    QStringList told = marketsToldTheName();
    if (!told.contains(marketId))
        told.append(marketId);
    (void)m_store->setSetting(kDisplayNameMarketsSetting, told.join(QLatin1Char(',')));
}

void BorrowerSession::setDisplayName(const QString &name, QObject *context, Callback<void> cb)
{
    Result<PeerLink *> link = marketLink();
    if (!link) {
        reporting(std::move(cb))(link.error());
        return;
    }
    const QString marketId = m_marketId;
    Callback<void> done = reporting(std::move(cb));
    (*link)->request<protocol::Ack>(protocol::SetBorrowerName{.name = name}, context, [this, name, marketId, done](Result<protocol::Ack> r) {
        if (!r.ok()) {
            done(r.error());
            return;
        }
        // The market keeps the name without its leading and trailing spaces; so does this store.
        if (Result<void> s = m_store->setSetting(kDisplayNameSetting, name.trimmed()); !s) {
            done(s.error());
            return;
        }
        (void)m_store->setSetting(kDisplayNameMarketsSetting, QString());
        rememberNameToldTo(name.trimmed(), marketId);
        done(Result<void>());
    });
}

Result<PeerLink *> BorrowerSession::lenderLink(const QString &lenderId, const QString &address, const QString &contractId,
                                               bool direct)
{
    if (!Identity::isValidNodeId(lenderId))
        return Error(ErrorCode::InvalidArgument, tr("'%1' is not a lender ID (64 hex characters)").arg(lenderId));
    const QString key = lenderKeyOf(lenderId, address);
    if (PeerLink *l = m_lenders.value(key))
        return l;
    const QString hint = direct ? tr("the lender agent may be offline; ask the partition's owner to start it")
                                : tr("the lender may be offline — end the contract with `borrower-client --cli end %1`")
                                      .arg(contractId);
    auto *link = new PeerLink(m_identity, tr("lender agent"), address, lenderId, m_policy, hint, this);
    connect(link, &PeerLink::pushReceived, this, &BorrowerSession::onLenderPush);
    connect(link, &PeerLink::disconnected, this, [this, key](const Error &e) { onLenderDisconnected(key, e); });
    m_lenders.insert(key, link);
    return link;
}

Result<PeerLink *> BorrowerSession::lenderLinkForJob(const QString &jobId, JobRecord *jobOut)
{
    Result<JobRecord> job = m_store->job(jobId);
    if (!job)
        return job.error();
    bool direct = false;
    if (Result<ContractRecord> c = m_store->contract(job->contractId); c)
        direct = c->direct;
    if (jobOut)
        *jobOut = *job;
    return lenderLink(job->lenderId, job->lenderAddress, job->contractId, direct);
}

template <typename T>
Callback<T> BorrowerSession::reporting(Callback<T> cb)
{
    return [this, cb = std::move(cb)](Result<T> r) {
        if (!r.ok())
            emit error(r.error());
        cb(std::move(r));
    };
}

Result<ContractRecord> BorrowerSession::addDirectContract(KeyMaterial key, const QString &lenderAddress,
                                                          const QString &lenderId)
{
    if (!lenderAddress.trimmed().isEmpty())
        key.lenderAddress = lenderAddress.trimmed();
    if (!lenderId.trimmed().isEmpty())
        key.lenderId = lenderId.trimmed().toLower();
    if (key.lenderAddress.isEmpty())
        return Error(ErrorCode::InvalidArgument, tr("direct mode needs the lender agent's address: --lender ADDR:PORT"));
    if (Result<std::pair<QString, quint16>> hp = parseHostPort(key.lenderAddress, tr("lender agent")); !hp)
        return hp.error();
    if (!Identity::isValidNodeId(key.lenderId))
        return Error(ErrorCode::InvalidArgument,
                     tr("direct mode needs the lender agent's ID (64 hex characters): --lender-id ID, "
                        "printed by `lender-console --print-id` on the lender's machine"));
    ContractRecord c;
    if (Result<ContractRecord> known = m_store->contract(key.contractId); known)
        c = *known;
    c.contractId = key.contractId;
    c.partitionId = key.partitionId;
    c.lenderId = key.lenderId;
    c.lenderAddress = key.lenderAddress;
    c.direct = true;
    // The lender's own start and time limit, when its key file says them (agents since
    // 2026-12-07); else the first time this client saw the key, and no known limit.
    if (key.startedAtMs > 0)
        c.startedAtMs = key.startedAtMs;
    if (c.startedAtMs == 0)
        c.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    if (key.startedAtMs > 0 || key.maxDurationS > 0)
        c.maxDurationS = key.maxDurationS;
    if (Result<void> r = m_store->saveContract(c); !r)
        return r.error();
    if (Result<void> r = m_store->saveKey(key); !r)
        return r.error();
    return c;
}

void BorrowerSession::searchOffers(const protocol::SearchOffers &search, QObject *context, Callback<protocol::OfferPage> cb)
{
    Result<PeerLink *> link = marketLink();
    if (!link) {
        reporting(std::move(cb))(link.error());
        return;
    }
    (*link)->request<protocol::OfferPage>(search, context, reporting<protocol::OfferPage>([this, cb](Result<protocol::OfferPage> r) {
        if (r.ok())
            emit offersReceived(*r);
        cb(std::move(r));
    }));
}

void BorrowerSession::borrow(const QString &offerId, const QString &query, QObject *context, Callback<ContractRecord> cb,
                             const std::optional<protocol::LendingConditions> &agreedTerms)
{
    Result<PeerLink *> link = marketLink();
    if (!link) {
        reporting(std::move(cb))(link.error());
        return;
    }
    Result<QList<PendingBorrowRecord>> pending = m_store->pendingBorrows();
    if (!pending) {
        reporting(std::move(cb))(pending.error());
        return;
    }
    const bool anyOfThisMarket =
        std::any_of(pending->cbegin(), pending->cend(), [this](const PendingBorrowRecord &p) { return p.marketId == m_marketId; });
    if (!anyOfThisMarket) {
        sendNewBorrow(offerId, query, agreedTerms, QString(), context, std::move(cb));
        return;
    }
    // A borrow of this market whose answer was lost may be this very one (sent again after the
    // process that sent it died), or may have left a contract that is not held here: asked
    // about first.
    recoverBorrows(std::move(*pending), context, [this, offerId, query, agreedTerms, context, cb](const QList<BorrowRecovery> &r) {
        emit borrowsRecovered(r);
        QString sameRequest;
        for (const BorrowRecovery &rec : r) {
            const PendingBorrowRecord &p = rec.borrow;
            if (p.marketId != m_marketId || p.offerId != offerId || p.query != query)
                continue;
            if (rec.outcome == BorrowRecovery::Outcome::Recovered && rec.contract) {
                cb(*rec.contract);
                return;
            }
            if (rec.outcome == BorrowRecovery::Outcome::Unknown)
                sameRequest = p.requestId;
        }
        sendNewBorrow(offerId, query, agreedTerms, sameRequest, context, cb);
    });
}

void BorrowerSession::sendNewBorrow(const QString &offerId, const QString &query,
                                    const std::optional<protocol::LendingConditions> &agreedTerms, const QString &requestId,
                                    QObject *context, Callback<ContractRecord> cb)
{
    Result<PeerLink *> link = marketLink();
    if (!link) {
        reporting(std::move(cb))(link.error());
        return;
    }
    protocol::Borrow req;
    req.offerId = offerId;
    req.query = query;
    req.agreedTerms = agreedTerms;
    // One ID for this contract, however often the Borrow is sent: a market that honours it
    // makes no second contract for a Borrow whose answer was lost.
    req.requestId = requestId.isEmpty() ? protocol::newBorrowRequestId() : requestId;
    const QString marketAddress = m_marketAddress;
    const QString marketId = m_marketId;
    // Noted before it goes, so that a process that dies waiting leaves what a later one needs
    // to ask the market what it made.
    const PendingBorrowRecord noted{*req.requestId, marketId, marketAddress, offerId, query, QDateTime::currentMSecsSinceEpoch()};
    if (Result<void> n = m_store->savePendingBorrow(noted); !n) {
        reporting(std::move(cb))(Error(n.error().code, tr("the borrow was not sent: it could not be noted in %1 first (%2)")
                                                           .arg(m_dataDir, n.error().message)));
        return;
    }
    sendBorrow(*link, req, 1, std::nullopt, context,
        reporting<protocol::ContractGranted>([this, cb, marketAddress, marketId, requestId = *req.requestId](Result<protocol::ContractGranted> r) {
            if (!r) {
                // Unanswered, it may have made the contract: kept, to be asked about.
                if (!isLostAnswer(r.error()))
                    forgetPendingBorrow(requestId);
                cb(r.error());
                return;
            }
            Result<ContractRecord> c = keepGranted(*r, marketAddress, marketId);
            if (!c) {
                cb(c.error());
                return;
            }
            forgetPendingBorrow(requestId);
            emit contractGranted(*c);
            cb(*c);
        }));
}

Result<ContractRecord> BorrowerSession::keepGranted(const protocol::ContractGranted &g, const QString &marketAddress,
                                                    const QString &marketId)
{
    ContractRecord c;
    c.contractId = g.contractId;
    c.marketId = marketId;
    c.marketAddress = marketAddress;
    c.lenderId = g.lenderId.toLower();
    c.lenderAddress = g.lenderAddress;
    c.partitionId = g.partitionId;
    c.ratePerHour = g.conditions.ratePerHour;
    c.startedAtMs = g.startedAtMs;
    c.osImages = g.conditions.osImages;
    c.maxDurationS = g.conditions.maxDurationS;
    if (!g.receipt.signature.isEmpty())
        c.startReceipt = g.receipt;
    // The key goes to disk before the contract is acknowledged to the caller: a
    // contract whose key was lost could be paid for but never used.
    KeyMaterial key{g.contractId, g.partitionId, c.lenderId, g.lenderAddress, g.key};
    if (Result<void> k = m_store->saveKey(key); !k)
        return Error(k.error().code, tr("contract %1 was granted but its key could not be kept (%2); end it with "
                                        "`borrower-client --cli end %1` and fix the data directory")
                                         .arg(g.contractId, k.error().message));
    if (Result<void> s = m_store->saveContract(c); !s) {
        // Running and billed all the same: say which contract, and how to end it.
        return Error(s.error().code, tr("contract %1 was granted and its key kept, but the contract could not be recorded "
                                        "(%2); end it with `borrower-client --cli end %1` and fix the data directory")
                                         .arg(g.contractId, s.error().message));
    }
    return c;
}

void BorrowerSession::forgetPendingBorrow(const QString &requestId)
{
    // Left behind, it is asked about once more by the next borrow, which finds what it made.
    if (Result<void> r = m_store->removePendingBorrow(requestId); !r)
        qWarning("borrower: the answered borrow %s stays noted in %s: %s", qPrintable(requestId), qPrintable(m_dataDir),
                 qPrintable(r.error().message));
}

QString BorrowerSession::describeRecovery(const BorrowRecovery &r)
{
    const PendingBorrowRecord &p = r.borrow;
    const QString sent = QDateTime::fromMSecsSinceEpoch(p.sentAtMs, Qt::UTC).toString(Qt::ISODate);
    const QString what = p.offerId.isEmpty() ? tr("The borrow of the best match of \"%1\", sent %2 and not answered,").arg(p.query, sent)
                                             : tr("The borrow of offer %1, sent %2 and not answered,").arg(p.offerId, sent);
    switch (r.outcome) {
    case BorrowRecovery::Outcome::Recovered:
        return tr("%1 made contract %2: it is kept here now, with a new lending key.").arg(what, r.contract ? r.contract->contractId : QString());
    case BorrowRecovery::Outcome::Ended:
        return tr("%1 made contract %2, which has ended since (charge %3): it is kept here with its end receipt.")
            .arg(what, r.contract ? r.contract->contractId : QString(), r.contract ? r.contract->charge.toString() : QString());
    case BorrowRecovery::Outcome::NoContract:
        return tr("%1 made no contract.").arg(what);
    case BorrowRecovery::Outcome::Unknown:
        break;
    }
    return tr("%1 may have made a contract; not known yet: %2.").arg(what, r.problem ? r.problem->message : QString());
}

struct BorrowerSession::RecoveryChain {
    QList<PendingBorrowRecord> todo;
    QList<BorrowRecovery> done;
    std::function<void(const QList<BorrowRecovery> &)> cb;
};

void BorrowerSession::recoverPendingBorrows(QObject *context, Callback<QList<BorrowRecovery>> cb)
{
    Result<QList<PendingBorrowRecord>> pending = m_store->pendingBorrows();
    if (!pending) {
        reporting(std::move(cb))(pending.error());
        return;
    }
    recoverBorrows(std::move(*pending), context, [cb = std::move(cb)](const QList<BorrowRecovery> &r) { cb(r); });
}

void BorrowerSession::recoverBorrows(QList<PendingBorrowRecord> pending, QObject *context,
                                     std::function<void(const QList<BorrowRecovery> &)> done)
{
    auto chain = std::make_shared<RecoveryChain>();
    chain->todo = std::move(pending);
    chain->cb = std::move(done);
    recoverNext(chain, context);
}

void BorrowerSession::recoverNext(const std::shared_ptr<RecoveryChain> &chain, QObject *context)
{
    if (chain->todo.isEmpty()) {
        chain->cb(chain->done);
        return;
    }
    const PendingBorrowRecord next = chain->todo.takeFirst();
    recoverPendingBorrow(next, context, [this, chain, context](BorrowRecovery r) {
        chain->done.append(std::move(r));
        recoverNext(chain, context);
    });
}

void BorrowerSession::recoverPendingBorrow(const PendingBorrowRecord &p, QObject *context, std::function<void(BorrowRecovery)> done)
{
    BorrowRecovery rec{p, BorrowRecovery::Outcome::Unknown, std::nullopt, std::nullopt, 0};
    const auto unknown = [rec, done](const Error &why, qint64 knownAfterMs = 0) {
        BorrowRecovery out = rec;
        out.problem = why;
        out.knownAfterMs = knownAfterMs;
        done(std::move(out));
    };
    const auto settled = [this, rec, done](BorrowRecovery::Outcome outcome, std::optional<ContractRecord> contract) {
        forgetPendingBorrow(rec.borrow.requestId);
        BorrowRecovery out = rec;
        out.outcome = outcome;
        out.contract = std::move(contract);
        done(std::move(out));
    };
    if (p.marketId != m_marketId) {
        unknown(Error(ErrorCode::InvalidArgument, tr("it went to the market %1 at %2, not to the one in use: only that market can say "
                                                     "(--market %2 --market-id %1)")
                                                      .arg(p.marketId, p.marketAddress)));
        return;
    }
    Result<PeerLink *> link = marketLink();
    if (!link) {
        unknown(link.error());
        return;
    }
    QPointer<PeerLink> guard(*link);
    (*link)->withChannel(context, [this, guard, p, context, unknown, settled](Result<protocol::Channel *> ch) {
        if (!ch) {
            unknown(ch.error());
            return;
        }
        if (!(*ch)->peerHasFeature(QLatin1String(protocol::kFeatureBillsByRequestId))) {
            unknown(Error(ErrorCode::Unsupported, tr("the market cannot say what a borrow made (an older version): look for a running "
                                                     "contract that is not yours here (`borrower-client --cli bills`), and end it "
                                                     "(`borrower-client --cli end CONTRACT_ID`)")));
            return;
        }
        protocol::ListBills ask;
        ask.requestId = p.requestId;
        ask.receipts = true;
        (*ch)->request<protocol::BillList>(
            ask, context,
            [this, guard, p, context, unknown, settled](Result<protocol::BillList> r) {
                if (!r && r.error().code == ErrorCode::NotFound) {
                    // None yet. A Borrow that is still on its way, or queued at the market, may
                    // still make one: forgotten only once it cannot.
                    const qint64 age = QDateTime::currentMSecsSinceEpoch() - p.sentAtMs;
                    if (age >= m_pendingBorrowGraceMs) {
                        settled(BorrowRecovery::Outcome::NoContract, std::nullopt);
                        return;
                    }
                    unknown(Error(ErrorCode::Timeout, tr("it was sent %1 s ago, and the market may still make its "
                                                         "contract; it can tell in a minute")
                                                          .arg(qMax<qint64>(0, age / 1000))),
                            p.sentAtMs + m_pendingBorrowGraceMs);
                    return;
                }
                if (!r) {
                    unknown(guard ? guard->explain(r.error()) : r.error());
                    return;
                }
                if (r->bills.size() != 1) {
                    unknown(Error(ErrorCode::BadPayload, tr("the market answered with %1 bills for one borrow").arg(r->bills.size())));
                    return;
                }
                const protocol::Bill bill = r->bills.constFirst();
                if (bill.endedAtMs > 0) {
                    // Made and ended since (its time limit, the lender, a manager): kept as
                    // ended, with the end receipt that proves what it cost.
                    Result<protocol::Receipt> kept = keepFetchedReceipt(bill.contractId, p.marketId, std::move(r));
                    if (!kept) {
                        unknown(kept.error());
                        return;
                    }
                    Result<ContractRecord> record = m_store->contract(bill.contractId);
                    settled(BorrowRecovery::Outcome::Ended, record ? *record : endedContractFrom(*kept));
                    return;
                }
                if (!guard) {
                    unknown(Error(ErrorCode::Cancelled, tr("the market in use changed")));
                    return;
                }
                // Running: the same Borrow again, with its ID, makes no contract; the market
                // answers with this one under a new key (the first was never seen here).
                protocol::Borrow again;
                again.offerId = p.offerId;
                again.query = p.query;
                again.requestId = p.requestId;
                sendBorrow(guard, again, 1, std::nullopt, context,
                           [this, p, bill, unknown, settled](Result<protocol::ContractGranted> g) {
                               if (!g) {
                                   unknown(g.error());
                                   return;
                               }
                               if (g->contractId != bill.contractId) {
                                   // Not what the market said the borrow made: kept, so as not to
                                   // take the wrong one. (A market that honours the ID cannot.)
                                   unknown(Error(ErrorCode::BadPayload, tr("the market answered with contract %1, not %2")
                                                                            .arg(g->contractId, bill.contractId)));
                                   return;
                               }
                               Result<ContractRecord> c = keepGranted(*g, p.marketAddress, p.marketId);
                               if (!c) {
                                   unknown(c.error());
                                   return;
                               }
                               emit contractGranted(*c);
                               settled(BorrowRecovery::Outcome::Recovered, *c);
                           });
            },
            m_policy.requestTimeoutMs);
    });
}

void BorrowerSession::sendBorrow(PeerLink *link, const protocol::Borrow &req, int attempt, std::optional<Error> lost,
                                 QObject *context, Callback<protocol::ContractGranted> done)
{
    QPointer<PeerLink> guard(link);
    // The request went out and no answer came back: the market may have made the contract
    // all the same, running and billed, and its key is lost with the answer.
    // A market that honours the request ID can say later what the borrow made, and makes no
    // second contract for it; an older one cannot.
    const auto unanswered = [address = link->address()](const Error &e, bool repeatable) {
        if (repeatable)
            return Error(e.code, tr("no answer from the market at %1 to the borrow (%2). It may have made the contract all the "
                                    "same, without your getting its key. The borrow is noted here: `borrower-client --cli "
                                    "recover` asks the market what it made and takes the contract if there is one, and the "
                                    "same borrow again makes no second contract")
                                     .arg(address, e.message));
        return Error(e.code, tr("no answer from the market at %1 to the borrow (%2). It may have made the contract all the "
                                "same, without your getting its key: before you borrow again, look for a running "
                                "contract that is not yours here (`borrower-client --cli bills`) and end it "
                                "(`borrower-client --cli end CONTRACT_ID`)")
                                 .arg(address, e.message));
    };
    link->withChannel(context, [this, guard, req, attempt, lost, context, done, unanswered](Result<protocol::Channel *> ch) {
        if (!ch) {
            // A Borrow sent before, unanswered, may have made the contract: say that, not
            // only that the market cannot be reached now.
            // (Only a market that honours the ID is asked again.)
            done(lost ? unanswered(*lost, true) : ch.error());
            return;
        }
        // Sent again only to a market that makes no second contract for it; to an older one,
        // a Borrow sent again could.
        const bool repeatable = (*ch)->peerHasFeature(QLatin1String(protocol::kFeatureBorrowRequestId));
        (*ch)->request<protocol::ContractGranted>(
            req, context,
            [this, guard, req, attempt, lost, repeatable, context, done, unanswered](Result<protocol::ContractGranted> r) {
                if (r.ok() || !isLostAnswer(r.error())) {
                    if (!r.ok() && guard)
                        r = Result<protocol::ContractGranted>(guard->explain(r.error()));
                    done(std::move(r));
                    return;
                }
                const Error e = guard ? guard->explain(r.error()) : r.error();
                if (!repeatable || attempt >= kBorrowAttempts || !guard) {
                    done(unanswered(e, repeatable));
                    return;
                }
                qInfo("borrower: no answer from the market to borrow %s (%s); asking again (%d of %d)", qPrintable(*req.requestId),
                      qPrintable(e.message), attempt + 1, kBorrowAttempts);
                emit borrowAskedAgain(e, attempt + 1, kBorrowAttempts);
                sendBorrow(guard, req, attempt + 1, e, context, done);
            },
            m_policy.requestTimeoutMs);
    });
}

void BorrowerSession::endContract(const QString &contractId, QObject *context, Callback<ContractEnd> cb)
{
    // A contract unknown here may still be ended at the market we talk to (made in another
    // data directory); the market decides whether this borrower may.
    Result<ContractRecord> known = m_store->contract(contractId);
    PeerLink *link = nullptr;
    QString expectedMarket = m_marketId;
    if (known && known->direct) {
        reporting(std::move(cb))(Error(ErrorCode::Unsupported,
                                       tr("contract %1 was lent directly by the partition's owner, without a market; "
                                          "ask the owner to end it").arg(contractId)));
        return;
    }
    // The contract remembers its market; that is the one that must end it, without making it
    // the market the session (and the data directory) uses from then on. (The same market at
    // another address, one of its processes on a shared database, say, is reached where the
    // session says: the address it was made at may be down.)
    if (known && !known->marketAddress.isEmpty() && !known->marketId.isEmpty())
        expectedMarket = known->marketId;
    Result<PeerLink *> ml = known ? contractMarketLink(known->marketAddress, known->marketId) : marketLink();
    if (!ml) {
        reporting(std::move(cb))(known ? ml.error() : known.error());
        return;
    }
    link = *ml;
    protocol::EndContract req;
    req.contractId = contractId;
    const bool knownHere = known.ok();
    link->request<protocol::ContractClosed>(
        req, context, reporting<protocol::ContractClosed>([this, cb, contractId, expectedMarket, knownHere](Result<protocol::ContractClosed> r) {
            if (!r) {
                if (!knownHere)
                    cb(Error(r.error().code, tr("contract %1 is not known in %2, and the market could not end it: %3")
                                                 .arg(contractId, m_dataDir, r.error().message)));
                else
                    cb(r.error());
                return;
            }
            ContractEnd end;
            end.closed = *r;
            if (Result<void> v = protocol::verifyReceipt(r->receipt, expectedMarket); !v)
                end.receiptProblem = v.error();
            const qint64 endedAt = r->receipt.endedAtMs > 0 ? r->receipt.endedAtMs : QDateTime::currentMSecsSinceEpoch();
            Result<void> recorded;
            const bool held = m_store->contract(contractId).ok();
            if (held) {
                recorded = m_store->markContractEnded(contractId, endedAt, r->charge, r->receipt);
            } else {
                // Remember it all the same: the receipt is the borrower's proof of payment.
                ContractRecord rec = endedContractFrom(r->receipt);
                rec.endedAtMs = endedAt;
                rec.charge = r->charge;
                recorded = m_store->saveContract(rec);
            }
            if (recorded) {
                m_store->removeKey(contractId);
            } else {
                // Ended and billed at the market all the same. A record that still says
                // running keeps its key, as every running contract here does, until the
                // market's bills end it here too.
                end.recordProblem = Error(recorded.error().code,
                                          held ? tr("contract %1 was ended at the market (charge %2), but its record in %3 could not be "
                                                    "updated (%4): it still says the contract runs. Once the data directory can be "
                                                    "written, `borrower-client --cli receipt fetch %1` updates it.")
                                                     .arg(contractId, r->charge.toString(), m_dataDir, recorded.error().message)
                                               : tr("contract %1 was ended at the market (charge %2), but its end and receipt could not "
                                                    "be kept in %3 (%4); `borrower-client --cli receipt fetch %1` gets the receipt again.")
                                                     .arg(contractId, r->charge.toString(), m_dataDir, recorded.error().message));
                emit error(end.recordProblem);
            }
            emit contractEnded(end);
            cb(end);
        }));
}

void BorrowerSession::listBills(qint64 sinceMs, QObject *context, Callback<protocol::BillList> cb)
{
    Result<PeerLink *> link = marketLink();
    if (!link) {
        reporting(std::move(cb))(link.error());
        return;
    }
    protocol::ListBills req;
    req.sinceMs = sinceMs;
    (*link)->request<protocol::BillList>(req, context, reporting<protocol::BillList>([this, cb](Result<protocol::BillList> r) {
        if (r.ok()) {
            // Contracts the market ended on its own are ended here too, so that no window or
            // command goes on offering to submit jobs to them or to end them.
            // The contracts kept here from this market, read once: those held as running, and
            // those ended without their end receipt.
            QSet<QString> running, withoutEndReceipt;
            if (Result<QList<ContractRecord>> local = m_store->contracts(); local) {
                for (const ContractRecord &c : std::as_const(*local)) {
                    if (c.direct || c.marketId != marketId())
                        continue;
                    if (!c.isEnded())
                        running.insert(c.contractId);
                    else if (!c.endReceipt)
                        withoutEndReceipt.insert(c.contractId);
                }
            }
            for (const protocol::Bill &b : std::as_const(r->bills)) {
                if (b.endedAtMs <= 0)
                    continue;
                if (running.contains(b.contractId)) {
                    if (Result<void> ended = m_store->markContractEnded(b.contractId, b.endedAtMs, b.charge, std::nullopt); !ended)
                        continue;
                    m_store->removeKey(b.contractId);
                    emit contractEndedAtMarket(b.contractId, b.endedAtMs, b.charge);
                    withoutEndReceipt.insert(b.contractId);
                }
                // Ended without an end receipt kept (the market ended it, now or before this
                // version): the market signs one on request. Once kept, it is not asked again.
                if (m_fetchMissingReceipts && withoutEndReceipt.contains(b.contractId))
                    requestReceipt(b.contractId, this, [](Result<protocol::Receipt>) {}); // not there: asked again next time
            }
            emit billsReceived(*r);
        }
        cb(std::move(r));
    }));
}

ContractRecord BorrowerSession::endedContractFrom(const protocol::Receipt &endReceipt) const
{
    ContractRecord rec;
    rec.contractId = endReceipt.contractId;
    rec.marketId = endReceipt.marketId;
    rec.marketAddress = m_marketAddress;
    rec.lenderId = endReceipt.lenderId;
    rec.partitionId = endReceipt.partitionId;
    rec.ratePerHour = endReceipt.ratePerHour;
    rec.startedAtMs = endReceipt.startedAtMs;
    rec.endedAtMs = endReceipt.endedAtMs;
    rec.charge = endReceipt.charge;
    rec.endReceipt = endReceipt;
    return rec;
}

void BorrowerSession::fetchReceipt(const QString &contractId, QObject *context, Callback<protocol::Receipt> cb)
{
    requestReceipt(contractId, context, reporting(std::move(cb)));
}

void BorrowerSession::requestReceipt(const QString &contractId, QObject *context, Callback<protocol::Receipt> cb)
{
    // Asked of the contract's own market, as ending it is: another than the one in use now
    // has the receipt (and the end) of its contracts only.
    const Result<ContractRecord> known = m_store->contract(contractId);
    const bool ofItsMarket = known && !known->marketAddress.isEmpty() && !known->marketId.isEmpty();
    Result<PeerLink *> link = ofItsMarket ? contractMarketLink(known->marketAddress, known->marketId) : marketLink();
    if (!link) {
        cb(link.error());
        return;
    }
    protocol::ListBills req;
    req.contractId = contractId;
    req.receipts = true;
    const QString expectedMarket = ofItsMarket ? known->marketId : marketId();
    (*link)->request<protocol::BillList>(req, context, [this, cb, contractId, expectedMarket](Result<protocol::BillList> r) {
        cb(keepFetchedReceipt(contractId, expectedMarket, std::move(r)));
    });
}

Result<protocol::Receipt> BorrowerSession::keepFetchedReceipt(const QString &contractId, const QString &expectedMarket,
                                                              Result<protocol::BillList> r)
{
    if (!r)
        return r.error();
    Result<protocol::Receipt> checked = protocol::receiptOfBill(*r, contractId, expectedMarket);
    if (!checked)
        return checked.error();
    const protocol::Receipt &receipt = *checked;
    if (receipt.borrowerId != nodeId())
        return Error(ErrorCode::BadPayload, tr("the market sent a receipt for another borrower's contract %1").arg(contractId));
    if (receipt.endedAtMs > 0) {
        Result<ContractRecord> kept = m_store->contract(contractId);
        if (kept && !kept->endReceipt) {
            const bool wasRunning = !kept->isEnded();
            if (Result<void> s = m_store->markContractEnded(contractId, receipt.endedAtMs, receipt.charge, receipt); !s)
                return Error(s.error().code, tr("the receipt for contract %1 could not be kept: %2").arg(contractId, s.error().message));
            if (wasRunning) {
                m_store->removeKey(contractId);
                emit contractEndedAtMarket(contractId, receipt.endedAtMs, receipt.charge);
            }
            emit endReceiptKept(contractId);
        } else if (!kept && kept.error().code == ErrorCode::NotFound) {
            // Kept all the same, as an end without its record is: it is the proof of payment.
            if (Result<void> s = m_store->saveContract(endedContractFrom(receipt)); s)
                emit endReceiptKept(contractId);
        }
    }
    return receipt;
}

void BorrowerSession::submitJob(const QString &contractId, const JobSpec &spec, QObject *context, Callback<JobRecord> cb)
{
    auto fail = [&](const Error &e) { reporting(std::move(cb))(e); };
    Result<ContractRecord> c = m_store->contract(contractId);
    if (!c)
        return fail(c.error());
    if (c->isEnded())
        return fail(Error(ErrorCode::KeyInvalid,
                          tr("contract %1 ended on %2; borrow a partition again with `borrower-client --cli borrow`")
                              .arg(contractId, QDateTime::fromMSecsSinceEpoch(c->endedAtMs, Qt::UTC).toString(Qt::ISODate))));
    Result<KeyMaterial> key = m_store->key(contractId);
    if (!key)
        return fail(key.error());
    qsizetype bytes = spec.script.size();
    for (const protocol::JobFile &f : spec.inputs)
        bytes += f.data.size() + f.name.size();
    if (bytes > kMaxJobBytes)
        return fail(Error(ErrorCode::InvalidArgument, tr("the script and inputs add up to %1 bytes; at most %2 bytes go "
                                                         "with a job")
                                                          .arg(bytes)
                                                          .arg(kMaxJobBytes)));
    if (spec.os.trimmed().isEmpty())
        return fail(Error(ErrorCode::InvalidArgument, tr("choose the OS image to boot with --os (the offer lists them: %1)")
                                                          .arg(c->osImages.join(QStringLiteral(", ")))));
    Result<PeerLink *> link = lenderLink(c->lenderId, c->lenderAddress, contractId, c->direct);
    if (!link)
        return fail(link.error());
    protocol::SubmitJob req;
    req.contractId = contractId;
    req.partitionId = c->partitionId;
    req.key = key->key;
    req.os = spec.os;
    req.script = spec.script;
    req.inputs = spec.inputs;
    req.timeoutS = spec.timeoutS;
    const ContractRecord contract = *c;
    (*link)->request<protocol::JobAccepted>(
        req, context, reporting<protocol::JobAccepted>([this, cb, contract, os = spec.os](Result<protocol::JobAccepted> r) {
            if (!r) {
                cb(r.error());
                return;
            }
            JobRecord j;
            j.jobId = r->jobId;
            j.contractId = contract.contractId;
            j.lenderId = contract.lenderId;
            j.lenderAddress = contract.lenderAddress;
            j.os = os;
            j.submittedAtMs = QDateTime::currentMSecsSinceEpoch();
            j.state = QStringLiteral("queued");
            if (Result<void> s = m_store->saveJob(j); !s) {
                cb(Error(s.error().code, tr("job %1 was accepted but could not be recorded: %2").arg(j.jobId, s.error().message)));
                return;
            }
            emit jobSubmitted(j);
            cb(j);
        }));
}

void BorrowerSession::watchJob(const QString &jobId, qint64 fromOffset, QObject *context, Callback<void> cb)
{
    JobRecord job;
    Result<PeerLink *> link = lenderLinkForJob(jobId, &job);
    if (!link) {
        reporting(std::move(cb))(link.error());
        return;
    }
    Watch w;
    w.jobId = jobId;
    w.lenderKey = lenderKeyOf(job.lenderId, job.lenderAddress);
    w.offset = fromOffset;
    m_watches.insert(jobId, w);
    sendWatch(jobId, context, std::move(cb));
}

void BorrowerSession::sendWatch(const QString &jobId, QObject *context, Callback<void> cb)
{
    const auto watch = m_watches.constFind(jobId);
    const auto fetch = m_consoleFetches.constFind(jobId);
    const bool watched = watch != m_watches.cend();
    const bool fetching = fetch != m_consoleFetches.cend();
    if (!watched && !fetching)
        return;
    PeerLink *link = m_lenders.value(watched ? watch->lenderKey : fetch->lenderKey);
    if (!link) {
        cb(Error(ErrorCode::ConnectionClosed, tr("no connection to the lender of job %1").arg(jobId)));
        return;
    }
    protocol::WatchJob req;
    req.jobId = jobId;
    // One watch per job on the lender's connection: from where the one further behind is.
    req.fromOffset = watched && fetching ? qMin(watch->offset, fetch->offset) : watched ? watch->offset : fetch->offset;
    link->request<protocol::Ack>(req, context, [this, cb, jobId](Result<protocol::Ack> r) {
        if (!r) {
            emit error(r.error());
            cb(r.error());
            return;
        }
        cb(Result<void>());
    });
}

void BorrowerSession::unwatchJob(const QString &jobId)
{
    m_watches.remove(jobId);
}

void BorrowerSession::onLenderDisconnected(const QString &lenderKey, const Error &)
{
    // Pick the watches and console fetches up again from where they stopped; PeerLink
    // retries per the policy.
    QSet<QString> jobIds;
    for (const Watch &w : std::as_const(m_watches))
        if (w.lenderKey == lenderKey && !w.final)
            jobIds.insert(w.jobId);
    for (auto it = m_consoleFetches.cbegin(); it != m_consoleFetches.cend(); ++it)
        if (it->lenderKey == lenderKey)
            jobIds.insert(it.key());
    for (const QString &jobId : std::as_const(jobIds)) {
        sendWatch(jobId, this, [this, jobId](Result<void> r) {
            if (r)
                return;
            finishConsoleFetch(jobId, r.error());
            if (const auto w = m_watches.constFind(jobId); w != m_watches.cend() && !w->final)
                emit watchLost(jobId, r.error());
        });
    }
}

namespace {
/// The part of `data`, pushed at `offset`, from `next` on: after a new watch the same bytes
/// may come twice, and each is kept once. Moves `next` past it; `from` gets where it starts.
QByteArray unseenPart(qint64 &next, qint64 offset, const QByteArray &data, qint64 *from)
{
    const qint64 skip = qBound<qint64>(0, next - offset, data.size());
    *from = offset + skip;
    if (skip == data.size())
        return {};
    next = offset + data.size();
    return skip == 0 ? data : data.mid(skip);
}
} // namespace

void BorrowerSession::onLenderPush(const protocol::Envelope &e)
{
    switch (static_cast<protocol::MessageType>(e.type)) {
    case protocol::MessageType::JobOutput: {
        Result<protocol::JobOutput> m = protocol::decodeMessage<protocol::JobOutput>(e);
        if (!m)
            return;
        // A console being fetched to its file and a caller's watch each take what they have
        // not had yet.
        qint64 from = 0;
        if (const auto fetch = m_consoleFetches.find(m->jobId); fetch != m_consoleFetches.end()) {
            const QByteArray part = unseenPart(fetch->offset, m->offset, m->data, &from);
            if (!part.isEmpty() && !(fetch->file->seek(from) && fetch->file->write(part) == part.size()))
                finishConsoleFetch(m->jobId, Error(ErrorCode::IoError, tr("cannot write %1: %2").arg(fetch->file->fileName(),
                                                                                                     fetch->file->errorString())));
        }
        if (const auto watch = m_watches.find(m->jobId); watch != m_watches.end()) {
            const QByteArray part = unseenPart(watch->offset, m->offset, m->data, &from);
            if (!part.isEmpty())
                emit jobOutput(m->jobId, from, part);
        }
        break;
    }
    case protocol::MessageType::JobStateChanged: {
        Result<protocol::JobStateChanged> m = protocol::decodeMessage<protocol::JobStateChanged>(e);
        if (!m)
            return;
        // The lender sends the state after the console it had: a fetched console is whole.
        if (m_consoleFetches.contains(m->jobId)) {
            finishConsoleFetch(m->jobId, std::nullopt);
            if (!m_watches.contains(m->jobId))
                return;
        }
        std::optional<int> exit;
        if (m->exitCode)
            exit = *m->exitCode;
        (void)m_store->updateJobState(m->jobId, m->state, exit);
        if (!m->message.isEmpty())
            m_stateMessages.insert(m->jobId, m->message);
        if (auto it = m_watches.find(m->jobId); it != m_watches.end())
            it->final = isFinalJobState(m->state);
        emit jobStateChanged(*m);
        break;
    }
    case protocol::MessageType::JobProgress: {
        if (Result<protocol::JobProgress> m = protocol::decodeMessage<protocol::JobProgress>(e); m)
            emit progress(*m);
        break;
    }
    case protocol::MessageType::UsageSample: {
        if (Result<protocol::UsageSample> m = protocol::decodeMessage<protocol::UsageSample>(e); m)
            emit usageSample(*m);
        break;
    }
    default:
        break;
    }
}

Result<JobOutcome> BorrowerSession::storeResult(const protocol::JobResult &r)
{
    JobOutcome o;
    o.jobId = r.jobId;
    o.state = r.state;
    if (r.exitCode)
        o.exitCode = *r.exitCode;
    o.console = r.console;
    o.message = m_stateMessages.value(r.jobId);
    o.startedAtMs = r.startedAtMs;
    o.endedAtMs = r.endedAtMs;
    const QString dir = m_store->jobDir(r.jobId);
    const QString outDir = m_store->jobOutputDir(r.jobId);
    if (Result<void> made = makeDirectory(outDir); !made)
        return made.error();
    o.consolePath = dir + QStringLiteral("/console.log");
    // A console completed earlier (wait, logs) is longer than the result's, which the
    // lender cuts: kept, not cut back to it.
    bool keptWhole = false;
    if (QFile kept(o.consolePath); kept.size() > r.console.size() && kept.open(QIODevice::ReadOnly))
        keptWhole = kept.read(r.console.size()) == r.console;
    if (!keptWhole) {
        if (Result<void> w = writeFile(o.consolePath, r.console); !w)
            return w.error();
    }
    for (const protocol::JobFile &f : r.outputs) {
        if (!isPlainFileName(f.name)) {
            o.incomplete.append(notPlainFileName(f.name));
            continue;
        }
        const QString path = outDir + QLatin1Char('/') + f.name;
        if (Result<void> w = writeFile(path, f.data); !w)
            return w.error();
        o.outputPaths.append(path);
    }
    (void)m_store->updateJobState(r.jobId, r.state, o.exitCode);
    return o;
}

void BorrowerSession::fetchJobResult(const QString &jobId, QObject *context, Callback<JobOutcome> cb, bool wholeConsole, bool outputs)
{
    requestJobResult(jobId, context, std::move(cb), wholeConsole, !outputs, outputs);
}

void BorrowerSession::requestJobResult(const QString &jobId, QObject *context, Callback<JobOutcome> cb, bool wholeConsole, bool withoutOutputs,
                                       bool fetchNamed)
{
    Result<PeerLink *> link = lenderLinkForJob(jobId);
    if (!link) {
        reporting(std::move(cb))(link.error());
        return;
    }
    protocol::FetchJobResult req;
    req.jobId = jobId;
    if (withoutOutputs)
        req.withoutOutputs = true;
    (*link)->request<protocol::JobResult>(req, context, [this, cb, jobId, wholeConsole, withoutOutputs, fetchNamed, guard = QPointer<QObject>(context),
                                                         hadContext = context != nullptr](Result<protocol::JobResult> r) {
        if (!r) {
            // Outputs too large to come with the result: named in it instead, each fetched
            // part by part (FetchJobOutput).
            if (r.error().code == ErrorCode::ResourceExhausted && !withoutOutputs && (!hadContext || guard)) {
                requestJobResult(jobId, guard, cb, wholeConsole, true, fetchNamed);
                return;
            }
            // A lender of a version before that sends them whole or not at all.
            if (r.error().code == ErrorCode::ResourceExhausted)
                cb(Error(ErrorCode::ResourceExhausted,
                         tr("the output files of job %1 add up to more than %2 MiB, the most a lender sends with a job's result, so "
                            "they were not fetched (%3). They stay in the job's directory on the lender's machine while it keeps "
                            "the job's results: ask the lender for them, and have jobs leave smaller outputs (compressed, or fewer). "
                            "`borrower-client --cli logs %1` prints the console.")
                             .arg(jobId)
                             .arg(kMaxResultBytes / (1024 * 1024))
                             .arg(r.error().message)));
            else
                cb(r.error());
            return;
        }
        if (!isFinalJobState(r->state)) {
            JobOutcome o;
            o.jobId = r->jobId;
            o.state = r->state;
            cb(o);
            return;
        }
        const auto finished = [this, cb, guard, hadContext](const JobOutcome &o) {
            emit jobFinished(o);
            if (!hadContext || guard)
                cb(o);
        };
        // Its console is being completed already (an earlier fetch): that outcome, whole, is
        // this one's too; writing the result again would cut the file being completed.
        if (m_consoleFetches.contains(jobId)) {
            m_consoleFetches[jobId].waiters.append(finished);
            return;
        }
        Result<JobOutcome> o = storeResult(*r);
        if (!o.ok()) {
            emit error(o.error());
            cb(std::move(o));
            return;
        }
        // The lender cuts a result at kMaxResultBytes, its console last: one that reaches the
        // limit may go on in the lender's file.
        qint64 sent = r->console.size();
        for (const protocol::JobFile &f : std::as_const(r->outputs))
            sent += f.data.size();
        const auto completed = [this, jobId, wholeConsole, finished, sent, consoleSize = r->console.size()](JobOutcome o) {
            if (sent < kMaxResultBytes || QFileInfo(o.consolePath).size() > consoleSize) {
                finished(o); // whole, or completed before (storeResult() kept it)
            } else if (wholeConsole) {
                completeConsole(o, finished);
            } else {
                o.incomplete.append(tr("the console of job %1 in %2 is cut at %3 bytes, as the lender sends it with the result; "
                                       "`borrower-client --cli logs %1` prints all of it")
                                        .arg(jobId, o.consolePath)
                                        .arg(consoleSize));
                finished(o);
            }
        };
        if (fetchNamed && r->outputSizes && !r->outputSizes->isEmpty())
            fetchOutputs(jobId, *r->outputSizes, *o, hadContext ? guard.data() : this, completed);
        else
            completed(*o);
    },
    // The lender answers once the watch on this connection has sent its backlog (which may
    // be a long console): a dead lender is found out by the link's keepalive instead.
    kResultTimeoutMs);
}

void BorrowerSession::fetchOutputs(const QString &jobId, const QList<protocol::JobFileSize> &files, const JobOutcome &outcome,
                                   QObject *context, std::function<void(JobOutcome)> done)
{
    // One file after the other, each part by part into a file that appears under its name
    // only once it is whole; one that cannot be fetched or kept is said in `incomplete`.
    struct Fetching {
        QList<protocol::JobFileSize> files;
        qsizetype index = -1;
        qint64 offset = 0;
        std::unique_ptr<QSaveFile> file;
        JobOutcome outcome;
        qint64 done = 0;  ///< bytes of all the files handled so far (fetched or given up)
        qint64 total = 0;
    };
    auto st = std::make_shared<Fetching>();
    st->files = files;
    st->outcome = outcome;
    for (const protocol::JobFileSize &f : files)
        st->total += qMax<qint64>(0, f.size);
    // Said as the lender says its stages (JobProgress), for the window's bar and the CLI.
    const auto report = [this, st, jobId] {
        emit progress(protocol::JobProgress{.jobId = jobId, .stage = QStringLiteral("result_download"), .done = st->done, .total = st->total});
    };
    report();
    const QString outDir = m_store->jobOutputDir(jobId);
    auto step = std::make_shared<std::function<void()>>();
    const auto notKept = [st](const QString &why) {
        st->outcome.incomplete.append(why);
        if (st->file)
            st->file->cancelWriting();
        st->file.reset();
        if (st->index >= 0 && st->index < st->files.size()) // what it did not get counts as handled
            st->done += qMax<qint64>(0, st->files.at(st->index).size - st->offset);
    };
    *step = [this, st, jobId, outDir, context, done, notKept, report, weakStep = std::weak_ptr(step)] {
        const auto next = weakStep.lock();
        if (!next)
            return;
        while (!st->file) {
            if (++st->index >= st->files.size()) {
                done(st->outcome);
                return;
            }
            st->offset = 0;
            const protocol::JobFileSize &f = st->files.at(st->index);
            if (!isPlainFileName(f.name)) {
                notKept(notPlainFileName(f.name));
                continue;
            }
            // One that cannot fit is not fetched at all: its parts would be fetched for
            // nothing, and a smaller one after it may still fit.
            if (const QStorageInfo room(outDir); room.isValid() && room.bytesAvailable() >= 0 && f.size > room.bytesAvailable()) {
                notKept(tr("output \"%1\" was not fetched: it has %2 and %3 has %4 free")
                            .arg(f.name, QLocale::c().formattedDataSize(f.size), outDir,
                                 QLocale::c().formattedDataSize(room.bytesAvailable())));
                continue;
            }
            st->file = std::make_unique<QSaveFile>(outDir + QLatin1Char('/') + f.name);
            if (!st->file->open(QIODevice::WriteOnly))
                notKept(tr("output \"%1\" was not fetched: cannot write %2: %3").arg(f.name, st->file->fileName(), st->file->errorString()));
        }
        const protocol::JobFileSize f = st->files.at(st->index);
        if (st->offset >= f.size) {
            if (st->file->commit())
                st->outcome.outputPaths.append(st->file->fileName());
            else
                st->outcome.incomplete.append(tr("output \"%1\" was not fetched: cannot write %2: %3").arg(f.name, st->file->fileName(), st->file->errorString()));
            st->file.reset();
            (*next)();
            return;
        }
        Result<PeerLink *> link = lenderLinkForJob(jobId);
        if (!link) {
            notKept(tr("output \"%1\" was not fetched: %2").arg(f.name, link.error().message));
            (*next)();
            return;
        }
        protocol::FetchJobOutput req{.jobId = jobId, .name = f.name, .offset = st->offset,
                                     .length = qMin(protocol::kMaxJobOutputPartBytes, f.size - st->offset)};
        (*link)->request<protocol::JobOutputPart>(req, context, [st, f, next, notKept, report](Result<protocol::JobOutputPart> r) {
            if (!r)
                notKept(tr("output \"%1\" was not fetched: %2").arg(f.name, r.error().message));
            else if (r->name != f.name || r->offset != st->offset || r->size != f.size || r->data.isEmpty())
                notKept(tr("output \"%1\" was not fetched: it changed on the lender's machine while it was fetched").arg(f.name));
            else if (st->file->write(r->data) != r->data.size())
                notKept(tr("output \"%1\" was not fetched: cannot write %2: %3").arg(f.name, st->file->fileName(), st->file->errorString()));
            else {
                st->offset += r->data.size();
                st->done += r->data.size();
            }
            report();
            (*next)();
        },
        // As long as a result may take: a part is up to 4 MiB, on what may be a slow link.
        kResultTimeoutMs);
    };
    (*step)();
}

void BorrowerSession::completeConsole(const JobOutcome &outcome, std::function<void(const JobOutcome &)> done)
{
    JobRecord job;
    Result<PeerLink *> link = lenderLinkForJob(outcome.jobId, &job);
    auto file = std::make_shared<QFile>(outcome.consolePath);
    if (!link || !file->open(QIODevice::ReadWrite)) {
        JobOutcome cut = outcome;
        cut.incomplete.append(tr("the console of job %1 in %2 is cut at %3 bytes, as the lender sends it with the result, and the "
                                 "rest could not be fetched (%4); `borrower-client --cli logs %1` prints all of it")
                                  .arg(outcome.jobId, outcome.consolePath)
                                  .arg(outcome.console.size())
                                  .arg(link ? file->errorString() : link.error().message));
        done(cut);
        return;
    }
    // The rest comes from the lender's file through a watch from where the result stops,
    // as `logs --follow` gets it, and goes to console.log as it arrives (it may be large).
    m_consoleFetches.insert(outcome.jobId, ConsoleFetch{.outcome = outcome,
                                                        .file = file,
                                                        .waiters = {std::move(done)},
                                                        .lenderKey = lenderKeyOf(job.lenderId, job.lenderAddress),
                                                        .offset = outcome.console.size()});
    const QString jobId = outcome.jobId;
    sendWatch(jobId, this, [this, jobId](Result<void> r) {
        if (!r)
            finishConsoleFetch(jobId, r.error());
    });
}

void BorrowerSession::finishConsoleFetch(const QString &jobId, const std::optional<Error> &failure)
{
    if (!m_consoleFetches.contains(jobId))
        return;
    ConsoleFetch fetch = m_consoleFetches.take(jobId);
    const qint64 size = fetch.file->size();
    fetch.file->close();
    JobOutcome o = fetch.outcome;
    if (failure)
        o.incomplete.append(tr("the console of job %1 in %2 is cut at %3 bytes: the rest could not be fetched (%4); "
                               "`borrower-client --cli logs %1` prints all of it")
                                .arg(jobId, o.consolePath)
                                .arg(size)
                                .arg(failure->message));
    for (const std::function<void(const JobOutcome &)> &waiter : std::as_const(fetch.waiters))
        waiter(o);
}

void BorrowerSession::waitJob(const QString &jobId, QObject *context, Callback<JobOutcome> cb)
{
    // Watch first, then ask for the result once: a job that ended before the watch began
    // is caught by the fetch, one that ends later by its final state push.
    struct Waiting {
        bool done = false;
        bool fetching = false;
        bool fetchAgain = false;
        QMetaObject::Connection stateConnection;
        QMetaObject::Connection lostConnection;
    };
    auto st = std::make_shared<Waiting>();
    auto finish = [this, st, cb, jobId](Result<JobOutcome> r) {
        if (st->done)
            return;
        st->done = true;
        QObject::disconnect(st->stateConnection);
        QObject::disconnect(st->lostConnection);
        unwatchJob(jobId);
        cb(std::move(r));
    };
    // One fetch at a time: a final push during the first fetch asks again once it answered
    // (its result's console may still be completing, and two would both write it).
    auto fetch = std::make_shared<std::function<void(std::optional<Error>)>>();
    *fetch = [this, st, context, finish, jobId, again = std::weak_ptr(fetch)](std::optional<Error> watchError) {
        if (st->done)
            return;
        if (st->fetching) {
            st->fetchAgain = true;
            return;
        }
        st->fetching = true;
        fetchJobResult(jobId, context, [st, finish, watchError, again](Result<JobOutcome> r) {
            st->fetching = false;
            if (r.ok() && isFinalJobState(r->state))
                finish(std::move(r));
            else if (watchError)
                finish(*watchError);
            else if (!r.ok() && r.error().code != ErrorCode::Conflict)
                finish(r.error()); // e.g. the results were removed, or could not be kept here
            else if (std::exchange(st->fetchAgain, false))
                if (const auto f = again.lock())
                    (*f)(std::nullopt);
            // else: not over yet (conflict: "still running"); the final state push triggers
            // another fetch.
        });
    };
    st->stateConnection = connect(this, &BorrowerSession::jobStateChanged, context,
                                  [jobId, fetch](const protocol::JobStateChanged &c) {
                                      if (c.jobId == jobId && isFinalJobState(c.state))
                                          (*fetch)(std::nullopt);
                                  });
    st->lostConnection = connect(this, &BorrowerSession::watchLost, context,
                                 [jobId, finish](const QString &id, const Error &e) {
                                     if (id == jobId)
                                         finish(e);
                                 });
    watchJob(jobId, 0, context, [fetch](Result<void> r) {
        (*fetch)(r.ok() ? std::nullopt : std::optional<Error>(r.error()));
    });
}

void BorrowerSession::cancelJob(const QString &jobId, QObject *context, Callback<void> cb)
{
    Result<PeerLink *> link = lenderLinkForJob(jobId);
    if (!link) {
        reporting(std::move(cb))(link.error());
        return;
    }
    protocol::CancelJob req;
    req.jobId = jobId;
    (*link)->request<protocol::Ack>(req, context, [this, cb](Result<protocol::Ack> r) {
        const Result<void> v = r.ok() ? Result<void>() : Result<void>(r.error());
        if (!v)
            emit error(v.error());
        cb(v);
    });
}

} // namespace lendable::borrower
