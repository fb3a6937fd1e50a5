<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
<context>
    <name>Billing</name>
    <message>
        <source>the contract would end (%1) before it started (%2); is the clock right?</source>
        <translation>契約が開始 (%2) より前に終了 (%1) することになります。時計は正しいですか?</translation>
    </message>
</context>
<context>
    <name>ImageImport</name>
    <message>
        <source>%1 is not an OS image directory (no image.json)</source>
        <translation>%1 は OS イメージのディレクトリではありません (image.json がありません)</translation>
    </message>
    <message>
        <source>cannot create a temporary directory</source>
        <translation>一時ディレクトリを作成できません</translation>
    </message>
    <message>
        <source>cannot archive %1: %2</source>
        <translation>%1 をアーカイブできません: %2</translation>
    </message>
</context>
<context>
    <name>MarketService</name>
    <message>
        <source>the lender refused the allocation %1 of partition %2, which is back at %3: %4</source>
        <translation>貸し手がパーティション %2 の割り当て %1 を拒否したため、%3 に戻しました: %4</translation>
    </message>
    <message>
        <source>its confirmed allocation</source>
        <translation>確認済みの割り当て</translation>
    </message>
    <message>
        <source>offset %1 is negative</source>
        <translation>オフセット %1 が負です</translation>
    </message>
    <message>
        <source>offer %1 matched, but its lender changed its terms before it could be lent; search again</source>
        <translation>オファー %1 は一致しましたが、貸し出す前に貸し手が条件を変更しました。もう一度検索してください</translation>
    </message>
    <message>
        <source>the market&apos;s database did not answer whether it made contract %1 on offer %2. Look at your running contracts before you borrow again: if it is there, it runs and is billed like any other, and you can end it</source>
        <translation>マーケットのデータベースは、オファー %2 で契約 %1 を結んだかどうかを返しませんでした。再び借りる前に実行中の契約を確認してください。そこにあれば、他の契約と同じく実行・課金され、終了できます</translation>
    </message>
    <message>
        <source>the market&apos;s database did not answer whether contract %1 ended. Look at it again before you end it again</source>
        <translation>マーケットのデータベースは、契約 %1 が終了したかどうかを返しませんでした。もう一度終了する前に、契約を確認してください</translation>
    </message>
    <message>
        <source>requestId has %1 characters; at most %2</source>
        <translation>requestId は %1 文字です。最大 %2 文字です</translation>
    </message>
    <message>
        <source>requestId may hold only printable ASCII characters without spaces</source>
        <translation>requestId には空白以外の印字可能な ASCII 文字しか使えません</translation>
    </message>
</context>
<context>
    <name>MarketStore</name>
    <message>
        <source>partition %1 is lent (contract %2): its lending conditions cannot change until the contract ends</source>
        <translation>パーティション %1 は貸出中です (契約 %2)。契約が終わるまで貸出条件は変更できません</translation>
    </message>
    <message>
        <source>partition %1 was lent meanwhile; try again after the contract ends</source>
        <translation>パーティション %1 はその間に貸し出されました。契約終了後にもう一度試してください</translation>
    </message>
    <message>
        <source>partition %1 is not registered with this market</source>
        <translation>パーティション %1 はこのマーケットに登録されていません</translation>
    </message>
    <message>
        <source>partition %1 is lent (contract %2): it cannot be altered until the contract ends (FIG. 7, S25)</source>
        <translation>パーティション %1 は貸出中です (契約 %2)。契約が終わるまで変更できません (FIG. 7, S25)</translation>
    </message>
    <message>
        <source>partition %1 is lent (contract %2): it cannot be withdrawn until the contract ends</source>
        <translation>パーティション %1 は貸出中です (契約 %2)。契約が終わるまで取り下げできません</translation>
    </message>
    <message>
        <source>partition %1 of lender %2 is not registered</source>
        <translation>貸し手 %2 のパーティション %1 は登録されていません</translation>
    </message>
    <message>
        <source>partition %1 is not externally referenced: its lender holds its allocation</source>
        <translation>パーティション %1 は外部参照されていません。割り当ては貸し手が管理しています</translation>
    </message>
    <message>
        <source>partition %1 is lent (contract %2): its allocation is locked</source>
        <translation>パーティション %1 は貸出中です (契約 %2)。割り当てはロックされています</translation>
    </message>
    <message>
        <source>the lender&apos;s externally referenced partitions would need %1, but it registered only %2</source>
        <translation>貸し手の外部参照パーティションには %1 が必要ですが、登録されているのは %2 だけです</translation>
    </message>
    <message>
        <source>partition %1 was lent meanwhile</source>
        <translation>パーティション %1 はその間に貸し出されました</translation>
    </message>
    <message>
        <source>there is no offer %1</source>
        <translation>オファー %1 はありません</translation>
    </message>
    <message>
        <source>offer %1 was withdrawn by its lender</source>
        <translation>オファー %1 は貸し手により取り下げられました</translation>
    </message>
    <message>
        <source>offer %1 (partition %2) is already lent</source>
        <translation>オファー %1 (パーティション %2) はすでに貸出中です</translation>
    </message>
    <message>
        <source>the lender of offer %1 is offline</source>
        <translation>オファー %1 の貸し手はオフラインです</translation>
    </message>
    <message>
        <source>there is no contract %1</source>
        <translation>契約 %1 はありません</translation>
    </message>
    <message>
        <source>contract %1 belongs to another borrower</source>
        <translation>契約 %1 は別の借り手のものです</translation>
    </message>
    <message>
        <source>contract %1 has already ended</source>
        <translation>契約 %1 はすでに終了しています</translation>
    </message>
    <message>
        <source>the report period ends (%1) before it starts (%2)</source>
        <translation>レポート期間の終わり (%1) が始まり (%2) より前です</translation>
    </message>
    <message>
        <source>a report covers at most ten years</source>
        <translation>レポートの期間は最長 10 年です</translation>
    </message>
    <message>
        <source>offer %1 (partition %2) has a new allocation its lender has not confirmed yet; try again in a moment</source>
        <translation>オファー %1 (パーティション %2) の新しい割り当ては貸し手がまだ確認していません。しばらくしてからもう一度お試しください</translation>
    </message>
    <message>
        <source>the report period starts before 1970</source>
        <translation>レポート期間が 1970 年より前に始まっています</translation>
    </message>
    <message>
        <source>the lender changed the terms of offer %1 since you saw them: %2</source>
        <translation>表示後に貸し手がオファー %1 の条件を変更しました: %2</translation>
    </message>
    <message>
        <source>the report period ends after the year 9999 (%1)</source>
        <translation>レポート期間が 9999 年より後に終わっています (%1)</translation>
    </message>
    <message>
        <source>the lender changed the terms of offer %1 since it was matched</source>
        <translation>一致した後に貸し手がオファー %1 の条件を変更しました</translation>
    </message>
    <message>
        <source>negative resources: %1</source>
        <translation>負のリソース: %1</translation>
    </message>
    <message>
        <source>partition %1 needs at least %2 (asked for %3)</source>
        <translation>パーティション %1 には少なくとも %2 が必要です（要求: %3）</translation>
    </message>
    <message>
        <source>request ID %1 was used for offer %2, not %3</source>
        <translation>リクエスト ID %1 はオファー %3 ではなくオファー %2 に使われました</translation>
    </message>
    <message>
        <source>your borrow %1 made contract %2, which has ended since</source>
        <translation>借用 %1 は契約 %2 を結びましたが、その契約はその後終了しています</translation>
    </message>
</context>
<context>
    <name>OfferIndex</name>
    <message>
        <source>free (not lent)</source>
        <translation>空き (貸出中でない)</translation>
    </message>
    <message>
        <source>lender online</source>
        <translation>貸し手がオンライン</translation>
    </message>
    <message>
        <source>allocation confirmed by the lender</source>
        <translation>貸し手が割り当てを確認済み</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>not connected to the market</source>
        <translation>マーケットに接続していません</translation>
    </message>
</context>
<context>
    <name>QueryLanguage</name>
    <message>
        <source>bad query token &apos;%1&apos;: %2</source>
        <translation>不正なクエリ要素 &apos;%1&apos;: %2</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a whole number</source>
        <translation>&apos;%1&apos; は整数ではありません</translation>
    </message>
    <message>
        <source>%1 is above the largest accepted value %2</source>
        <translation>%1 は受け付ける最大値 %2 を超えています</translation>
    </message>
    <message>
        <source>expected key, operator and value, as in cpus&gt;=2 (keys: %1)</source>
        <translation>cpus&gt;=2 のように、キー・演算子・値を指定してください (キー: %1)</translation>
    </message>
    <message>
        <source>unknown operator (use &gt;=, &gt;, &lt;=, &lt;, = or !=)</source>
        <translation>不明な演算子です (&gt;=, &gt;, &lt;=, &lt;, = または != を使ってください)</translation>
    </message>
    <message>
        <source>the value is missing</source>
        <translation>値がありません</translation>
    </message>
    <message>
        <source>&apos;%1&apos; takes only &apos;=&apos;</source>
        <translation>&apos;%1&apos; には &apos;=&apos; しか使えません</translation>
    </message>
    <message>
        <source>a rate cannot be negative</source>
        <translation>単価を負にはできません</translation>
    </message>
    <message>
        <source>&apos;os&apos; takes only &apos;=&apos; or &apos;!=&apos;</source>
        <translation>&apos;os&apos; には &apos;=&apos; か &apos;!=&apos; しか使えません</translation>
    </message>
    <message>
        <source>the limit must be at least 1</source>
        <translation>limit は 1 以上でなければなりません</translation>
    </message>
    <message>
        <source>unknown key &apos;%1&apos; (keys: %2)</source>
        <translation>不明なキー &apos;%1&apos; (キー: %2)</translation>
    </message>
    <message>
        <source>search requirements, offset and limit cannot be negative</source>
        <translation>検索条件、offset、limit を負にはできません</translation>
    </message>
    <message>
        <source>the maximum rate cannot be negative</source>
        <translation>最大単価を負にはできません</translation>
    </message>
    <message>
        <source>it is %1 characters long; a token has at most %2</source>
        <translation>%1 文字あります。1 つの要素は最大 %2 文字です</translation>
    </message>
    <message>
        <source>the query is %1 characters long; at most %2 are accepted</source>
        <translation>クエリが %1 文字あります。受け付けるのは最大 %2 文字です</translation>
    </message>
    <message>
        <source>the OS image name &apos;%1&apos; is %2 characters long; at most %3 are accepted</source>
        <translation>OS イメージ名 &apos;%1&apos; は %2 文字あります。受け付けるのは最大 %3 文字です</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a duration (as in 2h, 90m, 1d, 1:30:00 or none)</source>
        <translation>&apos;%1&apos; は期間ではありません (例: 2h、90m、1d、1:30:00、none)</translation>
    </message>
    <message>
        <source>unknown order &apos;%1&apos; (use rate, cpus, memory, disk, reliability or time, &apos;-&apos; in front to reverse)</source>
        <translation>不明な並び順 &apos;%1&apos; (rate, cpus, memory, disk, reliability, time のいずれか。先頭に &apos;-&apos; を付けると逆順)</translation>
    </message>
</context>
<context>
    <name>lendable::market::BillingPage</name>
    <message>
        <source>Last 7 days</source>
        <translation>過去 7 日間</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>過去 30 日間</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>過去 90 日間</translation>
    </message>
    <message>
        <source>Export invoices (CSV)…</source>
        <translation>請求書をエクスポート (CSV)…</translation>
    </message>
    <message>
        <source>Export payouts (CSV)…</source>
        <translation>支払いをエクスポート (CSV)…</translation>
    </message>
    <message>
        <source>Export report (PDF)…</source>
        <translation>レポートをエクスポート (PDF)…</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>期間:</translation>
    </message>
    <message>
        <source>Export invoices</source>
        <translation>請求書をエクスポート</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
        <source>Export payouts</source>
        <translation>支払いをエクスポート</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>レポートをエクスポート</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF ファイル (*.pdf)</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>売上</translation>
    </message>
    <message>
        <source>Market fees</source>
        <translation>マーケット手数料</translation>
    </message>
    <message>
        <source>Lender payouts</source>
        <translation>貸し手への支払い</translation>
    </message>
    <message>
        <source>Lent capacity %</source>
        <translation>貸出容量 %</translation>
    </message>
    <message>
        <source>Revenue per day</source>
        <translation>日別売上</translation>
    </message>
    <message>
        <source>Fees vs payouts</source>
        <translation>手数料と支払い</translation>
    </message>
    <message>
        <source>Borrowers (charged)</source>
        <translation>借り手 (請求額)</translation>
    </message>
    <message>
        <source>Lenders (paid)</source>
        <translation>貸し手 (支払額)</translation>
    </message>
    <message>
        <source>Top borrowers and lenders</source>
        <translation>上位の借り手と貸し手</translation>
    </message>
    <message>
        <source>Utilisation of lent capacity</source>
        <translation>貸出容量の利用率</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 に書き込めません: %2</translation>
    </message>
    <message>
        <source>Lendable billing report</source>
        <translation>Lendable 請求レポート</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>%1 に書き込めません</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>%1 ページ</translation>
    </message>
    <message>
        <source>Lendable billing report · %1 to %2 (UTC) · made %3 UTC</source>
        <translation>Lendable 請求レポート · %1 〜 %2 (UTC) · 作成 %3 UTC</translation>
    </message>
    <message>
        <source>Lendable billing report — %1 (%2 to %3)</source>
        <translation>Lendable 請求レポート — %1 (%2 〜 %3)</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(名前なし)</translation>
    </message>
    <message numerus="yes">
        <source>Total (%n borrower(s))</source>
        <translation>
            <numerusform>合計 (借り手 %n 人)</numerusform>
        </translation>
    </message>
    <message>
        <source>Invoices by borrower</source>
        <translation>借り手ごとの請求</translation>
    </message>
    <message>
        <source>Borrower</source>
        <translation>借り手</translation>
    </message>
    <message>
        <source>Node ID</source>
        <translation>ノード ID</translation>
    </message>
    <message>
        <source>Contracts</source>
        <translation>契約</translation>
    </message>
    <message>
        <source>Hours lent</source>
        <translation>貸出時間</translation>
    </message>
    <message>
        <source>Charged</source>
        <translation>請求額</translation>
    </message>
    <message numerus="yes">
        <source>Total (%n lender(s))</source>
        <translation>
            <numerusform>合計 (貸し手 %n 人)</numerusform>
        </translation>
    </message>
    <message>
        <source>Payouts by lender</source>
        <translation>貸し手ごとの支払い</translation>
    </message>
    <message>
        <source>Lender</source>
        <translation>貸し手</translation>
    </message>
    <message>
        <source>Market fee</source>
        <translation>マーケット手数料</translation>
    </message>
    <message>
        <source>Payout</source>
        <translation>支払額</translation>
    </message>
    <message>
        <source>the period has %1 contracts; an export holds at most %2: choose a shorter period</source>
        <translation>この期間の契約は %1 件です。エクスポートできるのは最大 %2 件です。期間を短くしてください</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>期間を指定</translation>
    </message>
    <message>
        <source>The period&apos;s first day (UTC)</source>
        <translation>期間の初日 (UTC)</translation>
    </message>
    <message>
        <source>The period&apos;s last day (UTC), included</source>
        <translation>期間の最終日 (UTC、この日を含む)</translation>
    </message>
    <message>
        <source>to</source>
        <translation>〜</translation>
    </message>
    <message>
        <source>a billing period needs a valid first and last day</source>
        <translation>請求期間には有効な初日と最終日が必要です</translation>
    </message>
    <message>
        <source>a billing period starts in 2000 or later, not on %1</source>
        <translation>請求期間は 2000 年以降に始まる必要があります (%1 ではなく)</translation>
    </message>
    <message>
        <source>the billing period&apos;s last day (%1) is before its first (%2)</source>
        <translation>請求期間の最終日 (%1) が初日 (%2) より前です</translation>
    </message>
    <message>
        <source>a billing period covers at most %1 days, not %2</source>
        <translation>請求期間は最大 %1 日です (%2 日ではなく)</translation>
    </message>
    <message>
        <source>Lendable billing report — %1 to %2</source>
        <translation>Lendable 請求レポート — %1 〜 %2</translation>
    </message>
    <message>
        <source>The contracts that ended in the period, each billed in full when it ended, as the CSV exports list them; the totals on page 1 are the sums of these bills. Running contracts are billed when they end.</source>
        <translation>期間内に終了した契約です。CSV エクスポートと同じく、各契約は終了時に全額請求されます。1 ページ目の合計はこれらの請求の合計です。実行中の契約は終了時に請求されます。</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Exact: revenue %1, fees %2, payouts %3</source>
        <translation>正確な値: 売上 %1、手数料 %2、支払い %3</translation>
    </message>
    <message>
        <source>%1 (lender)</source>
        <translation>%1 (貸し手)</translation>
    </message>
    <message>
        <source>%1 (borrower)</source>
        <translation>%1 (借り手)</translation>
    </message>
    <message>
        <source>Revenue per week</source>
        <translation>週別売上</translation>
    </message>
    <message>
        <source>Revenue per month</source>
        <translation>月別売上</translation>
    </message>
    <message>
        <source>Fees vs payouts per week</source>
        <translation>週別の手数料と支払い</translation>
    </message>
    <message>
        <source>Fees vs payouts per month</source>
        <translation>月別の手数料と支払い</translation>
    </message>
    <message>
        <source>Revenue %1 · Fees %2 · Payouts %3 · Fee %4 %</source>
        <translation>売上 %1 · 手数料 %2 · 支払い %3 · 手数料率 %4 %</translation>
    </message>
</context>
<context>
    <name>lendable::market::ContractsPage</name>
    <message>
        <source>Running only</source>
        <translation>実行中のみ</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>契約</translation>
    </message>
    <message>
        <source>Borrower</source>
        <translation>借り手</translation>
    </message>
    <message>
        <source>Lender</source>
        <translation>貸し手</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>パーティション</translation>
    </message>
    <message>
        <source>Rate / h</source>
        <translation>単価 / 時</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>期間</translation>
    </message>
    <message>
        <source>Charge</source>
        <translation>料金</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>ended</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>Search by contract or partition ID, borrower or lender name or ID</source>
        <translation>契約 ID、パーティション ID、借り手・貸し手の名前または ID で検索</translation>
    </message>
    <message numerus="yes">
        <source>%Ln running contract(s)</source>
        <translation>
            <numerusform>実行中の契約 %Ln 件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln contract(s)</source>
        <translation>
            <numerusform>%Ln 件の契約</numerusform>
        </translation>
    </message>
    <message>
        <source>No running contract matches “%1”.</source>
        <translation>「%1」に一致する実行中の契約はありません。</translation>
    </message>
    <message>
        <source>No contract matches “%1”.</source>
        <translation>「%1」に一致する契約はありません。</translation>
    </message>
    <message>
        <source>No contract is running.</source>
        <translation>実行中の契約はありません。</translation>
    </message>
    <message>
        <source>No contracts yet.</source>
        <translation>まだ契約はありません。</translation>
    </message>
    <message>
        <source>Shown in this computer&apos;s time zone (%1). In UTC, as billing periods and exports go: %2.</source>
        <translation>このコンピューターのタイムゾーン（%1）で表示しています。請求期間とエクスポートと同じ UTC では: %2。</translation>
    </message>
    <message>
        <source>When the contract started, in this computer&apos;s time zone (%1). Billing periods and exports go by UTC.</source>
        <translation>契約の開始時刻（このコンピューターのタイムゾーン %1）。請求期間とエクスポートは UTC です。</translation>
    </message>
    <message>
        <source>When the contract ended, in this computer&apos;s time zone (%1). Billing periods and exports go by UTC.</source>
        <translation>契約の終了時刻（このコンピューターのタイムゾーン %1）。請求期間とエクスポートは UTC です。</translation>
    </message>
</context>
<context>
    <name>lendable::market::MarketService</name>
    <message>
        <source>a partition must offer at least 1 vCPU</source>
        <translation>パーティションは少なくとも 1 vCPU を提供する必要があります</translation>
    </message>
    <message>
        <source>a partition must offer some memory</source>
        <translation>パーティションはメモリを提供する必要があります</translation>
    </message>
    <message>
        <source>the disk size cannot be negative</source>
        <translation>ディスクサイズを負にはできません</translation>
    </message>
    <message>
        <source>the rate cannot be negative (%1)</source>
        <translation>単価を負にはできません (%1)</translation>
    </message>
    <message>
        <source>the maximum duration cannot be negative</source>
        <translation>最長期間を負にはできません</translation>
    </message>
    <message>
        <source>a partition must offer at least one OS image</source>
        <translation>パーティションは少なくとも 1 つの OS イメージを提供する必要があります</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an image name (letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;+&apos;, &apos;-&apos;; at most 64)</source>
        <translation>&apos;%1&apos; はイメージ名ではありません (英字、数字、&apos;.&apos;, &apos;_&apos;, &apos;+&apos;, &apos;-&apos;、64 文字まで)</translation>
    </message>
    <message>
        <source>node %1 is not an administrator of this market (start it with --admin-id %1 to allow it)</source>
        <translation>ノード %1 はこのマーケットの管理者ではありません (許可するには --admin-id %1 を付けて起動してください)</translation>
    </message>
    <message>
        <source>%1 is for the %2 role; this connection is %3</source>
        <translation>%1 はロール %2 用ですが、この接続は %3 です</translation>
    </message>
    <message>
        <source>the market is shutting down</source>
        <translation>マーケットは終了処理中です</translation>
    </message>
    <message>
        <source>a partition ID of 1 to 128 characters is required</source>
        <translation>1 ～ 128 文字のパーティション ID が必要です</translation>
    </message>
    <message>
        <source>the agent address (host:port where borrowers reach the lender) is required</source>
        <translation>エージェントのアドレス (借り手が貸し手に接続する host:port) が必要です</translation>
    </message>
    <message>
        <source>no contract is running on partition %1</source>
        <translation>パーティション %1 で実行中の契約はありません</translation>
    </message>
    <message>
        <source>partition %1 is lent to another borrower</source>
        <translation>パーティション %1 は別の借り手に貸し出されています</translation>
    </message>
    <message>
        <source>the lending key does not match contract %1</source>
        <translation>貸出キーが契約 %1 と一致しません</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an image name (letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;+&apos;, &apos;-&apos;)</source>
        <translation>&apos;%1&apos; はイメージ名ではありません (英字、数字、&apos;.&apos;, &apos;_&apos;, &apos;+&apos;, &apos;-&apos;)</translation>
    </message>
    <message>
        <source>this market has no data directory to keep images in</source>
        <translation>このマーケットにはイメージを保存するデータディレクトリがありません</translation>
    </message>
    <message>
        <source>cannot read image archive %1: %2</source>
        <translation>イメージアーカイブ %1 を読み込めません: %2</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 に書き込めません: %2</translation>
    </message>
    <message>
        <source>name an image by SHA-256 or by name</source>
        <translation>イメージは SHA-256 か名前で指定してください</translation>
    </message>
    <message>
        <source>offset and length cannot be negative</source>
        <translation>offset と長さを負にはできません</translation>
    </message>
    <message>
        <source>this market holds no image %1</source>
        <translation>このマーケットにはイメージ %1 がありません</translation>
    </message>
    <message>
        <source>offset %1 is beyond the end of image %2 (%3 bytes)</source>
        <translation>offset %1 はイメージ %2 の末尾 (%3 バイト) を超えています</translation>
    </message>
    <message>
        <source>cannot read image %1: %2</source>
        <translation>イメージ %1 を読み込めません: %2</translation>
    </message>
    <message>
        <source>%1 excluded %2</source>
        <translation>%1 により %2 件を除外</translation>
    </message>
    <message>
        <source>no offer is available</source>
        <translation>利用できるオファーはありません</translation>
    </message>
    <message>
        <source>no offer matches: %1</source>
        <translation>一致するオファーはありません: %1</translation>
    </message>
    <message>
        <source>the market wrote this request but could not make it durable (%1); it may be undone by a power cut. List your contracts to see where it stands.</source>
        <translation>マーケットはこの要求を書き込みましたが、永続化できませんでした (%1)。停電で取り消される可能性があります。契約の一覧で状態を確認してください。</translation>
    </message>
    <message>
        <source>the lender&apos;s name is %1 characters long; at most %2 are kept</source>
        <translation>貸し手の名前が %1 文字あります。保存できるのは最大 %2 文字です</translation>
    </message>
    <message>
        <source>the borrower&apos;s name is %1 characters long; at most %2 are kept</source>
        <translation>借り手の名前が %1 文字あります。保存できるのは最大 %2 文字です</translation>
    </message>
    <message>
        <source>the lender&apos;s name contains a control character (U+%1)</source>
        <translation>貸し手の名前に制御文字 (U+%1) が含まれています</translation>
    </message>
    <message>
        <source>the borrower&apos;s name contains a control character (U+%1)</source>
        <translation>借り手の名前に制御文字 (U+%1) が含まれています</translation>
    </message>
    <message>
        <source>you have no contract %1 at this market</source>
        <translation>この市場にあなたの契約 %1 はありません</translation>
    </message>
    <message>
        <source>the rate %1 is above the highest this market takes, %2 per hour</source>
        <translation>単価 %1 はこのマーケットが受け付ける上限 (1 時間あたり %2) を超えています</translation>
    </message>
    <message>
        <source>at most %1 detail terms are allowed; this request has %2</source>
        <translation>詳細の語句は %1 個までです（このリクエストには %2 個あります）</translation>
    </message>
    <message>
        <source>a detail term must have 1 to %1 characters</source>
        <translation>詳細の語句は 1～%1 文字にしてください</translation>
    </message>
    <message>
        <source>the market wrote this request but could not make it durable (%1); it may be undone by a power cut</source>
        <translation>マーケットはこの要求を書き込みましたが、永続化できませんでした (%1)。停電で取り消される可能性があります</translation>
    </message>
    <message>
        <source>agreed terms need the offer they were agreed for (offerId)</source>
        <translation>合意した条件には、その対象のオファー (offerId) が必要です</translation>
    </message>
    <message>
        <source>agreedTerms: %1</source>
        <translation>agreedTerms: %1</translation>
    </message>
    <message>
        <source>the maximum duration is at most %1 s (100 years)</source>
        <translation>最長期間は %1 秒 (100 年) までです</translation>
    </message>
    <message>
        <source>the vCPUs cannot be negative</source>
        <translation>vCPU 数を負にすることはできません</translation>
    </message>
    <message>
        <source>the memory cannot be negative</source>
        <translation>メモリを負にすることはできません</translation>
    </message>
    <message>
        <source>%1 vCPUs: a partition has at most %2</source>
        <translation>vCPU %1 個: パーティションは最大 %2 個です</translation>
    </message>
    <message>
        <source>%1 MiB of memory: a partition has at most %2 MiB (1 PiB)</source>
        <translation>メモリ %1 MiB: パーティションは最大 %2 MiB (1 PiB) です</translation>
    </message>
    <message>
        <source>%1 MiB of disk: a partition has at most %2 MiB (16 PiB)</source>
        <translation>ディスク %1 MiB: パーティションは最大 %2 MiB (16 PiB) です</translation>
    </message>
    <message>
        <source>the agent address is %1 characters long; a host:port has at most %2</source>
        <translation>エージェントのアドレスは %1 文字です。host:port は最大 %2 文字です</translation>
    </message>
    <message>
        <source>the agent address holds spaces or control characters</source>
        <translation>エージェントのアドレスに空白または制御文字が含まれています</translation>
    </message>
    <message>
        <source>the agent address: %1</source>
        <translation>エージェントのアドレス: %1</translation>
    </message>
    <message>
        <source>a partition ID may not hold control characters, line breaks or bidirectional embeddings, overrides or isolates, nor begin or end with a space</source>
        <translation>パーティション ID には制御文字、改行、双方向の埋め込み・上書き・分離を含めることはできず、空白で始めたり終えたりすることもできません</translation>
    </message>
    <message>
        <source>this market process has no file of image %1 (%2): it was imported by another process on the same database. Import it here too, or give every process the same --images directory</source>
        <translation>このマーケットプロセスにはイメージ %1 (%2) のファイルがありません。同じデータベースの別のプロセスがインポートしました。ここでもインポートするか、すべてのプロセスに同じ --images ディレクトリを指定してください</translation>
    </message>
    <message>
        <source>image %1 is damaged on this market: %2 of its %3 bytes are on disk (import it again)</source>
        <translation>イメージ %1 はこのマーケットで破損しています: %3 バイトのうち %2 バイトしかディスクにありません（もう一度インポートしてください）</translation>
    </message>
    <message>
        <source>%1 OS image names: a partition offers at most %2</source>
        <translation>OS イメージ名 %1 個: パーティションが提供できるのは最大 %2 個です</translation>
    </message>
    <message>
        <source>requestId is a borrower&apos;s; a lender lists its bills without it</source>
        <translation>requestId は借り手のものです。貸し手は requestId なしで請求を一覧します</translation>
    </message>
    <message>
        <source>requestId is empty</source>
        <translation>requestId が空です</translation>
    </message>
    <message>
        <source>your borrow %1 made no contract at this market</source>
        <translation>あなたの借用 %1 はこのマーケットで契約を結んでいません</translation>
    </message>
</context>
<context>
    <name>lendable::market::MarketWindow</name>
    <message>
        <source>Lendable Market Manager</source>
        <translation>Lendable マーケットマネージャー</translation>
    </message>
    <message>
        <source>Lenders &amp;&amp; partitions</source>
        <translation>貸し手とパーティション</translation>
    </message>
    <message>
        <source>Contracts</source>
        <translation>契約</translation>
    </message>
    <message>
        <source>Billing</source>
        <translation>請求</translation>
    </message>
    <message>
        <source>Market %1 · %2</source>
        <translation>マーケット %1 · %2</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>更新(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>バージョン情報(&amp;A)</translation>
    </message>
    <message>
        <source>The market: resource database, contracts and billing of lent computer partitions.</source>
        <translation>マーケット: 貸し出されたコンピューターパーティションのリソースデータベース、契約、請求。</translation>
    </message>
    <message>
        <source>Disconnected from the market: %1</source>
        <translation>マーケットから切断されました: %1</translation>
    </message>
    <message>
        <source>Violations</source>
        <translation>違反</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>サービス</translation>
    </message>
    <message>
        <source>Exporting to %1…</source>
        <translation>%1 にエクスポート中…</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>%1 に書き出しました</translation>
    </message>
    <message>
        <source>Attached as admin %1.</source>
        <translation>管理者 %1 として接続しています。</translation>
    </message>
    <message>
        <source>The market&apos;s ID (lenders and borrowers pin it):</source>
        <translation>マーケットの ID (貸し手と借り手が固定します):</translation>
    </message>
    <message>
        <source>Disconnected from the market: %1. Connecting again…</source>
        <translation>マーケットから切断されました: %1。再接続しています…</translation>
    </message>
    <message>
        <source>Disconnected · connecting again… · the figures shown are from before</source>
        <translation>切断 · 再接続中… · 表示中の数値は切断前のものです</translation>
    </message>
    <message>
        <source>Disconnected · the figures shown are from before</source>
        <translation>切断 · 表示中の数値は切断前のものです</translation>
    </message>
    <message>
        <source>Disconnected · trying again in %1 s (%2) · the figures shown are from before</source>
        <translation>切断 · %1 秒後に再試行 (%2) · 表示中の数値は切断前のものです</translation>
    </message>
    <message>
        <source>Connected to the market again.</source>
        <translation>マーケットに再接続しました。</translation>
    </message>
    <message>
        <source>Not connected to the market: the tabs are refreshed once it is back.</source>
        <translation>マーケットに接続していません。再接続するとタブが更新されます。</translation>
    </message>
    <message>
        <source>Not connected to the market: there is nothing to refresh.</source>
        <translation>マーケットに接続していません。更新するものはありません。</translation>
    </message>
    <message>
        <source>the market</source>
        <translation>マーケット</translation>
    </message>
    <message>
        <source>Not connected to the market yet: the tabs are filled once it answers.</source>
        <translation>まだマーケットに接続されていません。応答があり次第タブに表示されます。</translation>
    </message>
    <message>
        <source>Connecting to the market at %1…</source>
        <translation>%1 のマーケットに接続しています…</translation>
    </message>
    <message>
        <source>Not connected · trying again in %1 s (%2)</source>
        <translation>未接続 · %1 秒後に再試行 (%2)</translation>
    </message>
    <message>
        <source>Connected to the market.</source>
        <translation>マーケットに接続しました。</translation>
    </message>
    <message>
        <source>the market at %1: %2</source>
        <translation>%1 のマーケット: %2</translation>
    </message>
    <message>
        <source>Cannot connect: %1. Trying again until the market answers; the tabs are filled then.</source>
        <translation>接続できません: %1。マーケットが応答するまで再試行し、その後タブに表示します。</translation>
    </message>
</context>
<context>
    <name>lendable::market::PartitionsPage</name>
    <message>
        <source>Rebalance…</source>
        <translation>再配分…</translation>
    </message>
    <message>
        <source>Lender</source>
        <translation>貸し手</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>パーティション</translation>
    </message>
    <message>
        <source>vCPUs</source>
        <translation>vCPU</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>メモリ</translation>
    </message>
    <message>
        <source>Disk</source>
        <translation>ディスク</translation>
    </message>
    <message>
        <source>OS images</source>
        <translation>OS イメージ</translation>
    </message>
    <message>
        <source>Rate / h</source>
        <translation>単価 / 時</translation>
    </message>
    <message>
        <source>Lender status</source>
        <translation>貸し手の状態</translation>
    </message>
    <message>
        <source>Lending status</source>
        <translation>貸出状態</translation>
    </message>
    <message>
        <source>Change the allocation of an unlent partition whose allocation the market holds</source>
        <translation>マーケットが割り当てを管理している、貸出中でないパーティションの割り当てを変更します</translation>
    </message>
    <message>
        <source>online</source>
        <translation>オンライン</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>オフライン</translation>
    </message>
    <message>
        <source>free</source>
        <translation>空き</translation>
    </message>
    <message>
        <source>lent to %1</source>
        <translation>%1 に貸出中</translation>
    </message>
    <message>
        <source>Rebalance Partition %1</source>
        <translation>パーティション %1 の再配分</translation>
    </message>
    <message>
        <source>free, new allocation not yet confirmed by the lender</source>
        <translation>空き、新しい割り当ては貸し手の確認待ち</translation>
    </message>
    <message>
        <source>The market checks the lender&apos;s budget; the lender applies the change the next time it generates the partition. If the lender refuses it, the partition keeps its allocation.</source>
        <translation>マーケットは貸し手の予算を確認します。貸し手は次にパーティションを生成するときに変更を適用します。貸し手が拒否した場合、パーティションは元の割り当てのままです。</translation>
    </message>
    <message>
        <source>free; on %1 the lender refused %2 vCPUs, %3 memory, %4 disk: %5</source>
        <translation>空き。%1 に貸し手が %2 vCPU、メモリ %3、ディスク %4 を拒否: %5</translation>
    </message>
    <message>
        <source>Filter by partition ID, lender or borrower name or ID</source>
        <translation>パーティション ID、貸し手・借り手の名前または ID で絞り込み</translation>
    </message>
    <message>
        <source>Reliability</source>
        <translation>信頼性</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message numerus="yes">
        <source>%Ln partition(s)</source>
        <translation>
            <numerusform>%Ln 個のパーティション</numerusform>
        </translation>
    </message>
    <message>
        <source>No partition matches “%1”.</source>
        <translation>「%1」に一致するパーティションはありません。</translation>
    </message>
    <message>
        <source>Its lender holds this partition&apos;s allocation: only partitions registered with the market holding their allocation can be rebalanced</source>
        <translation>このパーティションの割り当ては貸し手が管理しています。マーケットが割り当てを管理するパーティションだけが再配分できます</translation>
    </message>
    <message>
        <source>This partition is lent: its allocation is locked until the contract ends</source>
        <translation>このパーティションは貸出中です。契約が終わるまで割り当ては固定されます</translation>
    </message>
    <message>
        <source>The sliders go as far as the lender&apos;s budget allows: what it has not given its other partitions. The lender applies the change the next time it generates the partition; if it refuses it, the partition keeps its allocation.</source>
        <translation>スライダーは貸し手の予算が許す範囲、つまり他のパーティションに割り当てられていない分まで動かせます。貸し手は次にパーティションを生成するときに変更を適用します。拒否した場合、パーティションは現在の割り当てのままです。</translation>
    </message>
    <message numerus="yes">
        <source>Partition %1 now has %n vCPU(s), %2 memory and %3 disk; its lender applies that the next time it generates the partition.</source>
        <translation>
            <numerusform>パーティション %1 は %n vCPU、メモリ %2、ディスク %3 になりました。貸し手は次にパーティションを生成するときに適用します。</numerusform>
        </translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>制限時間</translation>
    </message>
    <message>
        <source>%1 cannot be %2: %3.</source>
        <translation>%1 を %2 にはできません: %3。</translation>
    </message>
    <message>
        <source>Nothing to change: the partition has these values already. Move a slider or type a new value, or Cancel.</source>
        <translation>変更はありません: パーティションはすでにこの値です。スライダーを動かすか新しい値を入力するか、キャンセルしてください。</translation>
    </message>
    <message>
        <source>Not connected to the market.</source>
        <translation>マーケットに接続されていません。</translation>
    </message>
</context>
<context>
    <name>lendable::market::ServicePage</name>
    <message>
        <source>Searches</source>
        <translation>検索</translation>
    </message>
    <message>
        <source>Borrows</source>
        <translation>借用</translation>
    </message>
    <message>
        <source>Ends</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>Registrations</source>
        <translation>登録</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>その他</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>リクエスト</translation>
    </message>
    <message>
        <source>Per second</source>
        <translation>毎秒</translation>
    </message>
    <message>
        <source>p50 (ms)</source>
        <translation>p50 (ms)</translation>
    </message>
    <message>
        <source>p99 (ms)</source>
        <translation>p99 (ms)</translation>
    </message>
    <message>
        <source>Answered since start</source>
        <translation>起動以降の応答数</translation>
    </message>
    <message numerus="yes">
        <source>The market&apos;s own time per request, from the decoded request to the answer handed to the connection (borrows, ends and registrations: after their commit), over the last %n second(s).</source>
        <translation>
            <numerusform>マーケット自身のリクエストあたりの処理時間 (デコードされたリクエストから接続に渡した応答まで。借用・終了・登録はコミット後まで)、直近 %n 秒間。</numerusform>
        </translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>分</translation>
    </message>
    <message>
        <source>Asking the market…</source>
        <translation>マーケットに問い合わせ中…</translation>
    </message>
    <message>
        <source>%1 % of a core</source>
        <translation>コア 1 個の %1 %</translation>
    </message>
    <message>
        <source>Up %1, since %2 · %3 connections · %4 offers · %5 MiB resident · CPU %6</source>
        <translation>稼働 %1 (%2 から) · 接続 %3 · オファー %4 · 常駐メモリ %5 MiB · CPU %6</translation>
    </message>
    <message numerus="yes">
        <source>machine: %n core(s), %1 % busy, %2 % stolen</source>
        <translation>
            <numerusform>マシン: %n コア、使用率 %1 %、スチール %2 %</numerusform>
        </translation>
    </message>
    <message>
        <source>Requests per second</source>
        <translation>毎秒のリクエスト数</translation>
    </message>
    <message>
        <source>p99 latency (ms)</source>
        <translation>p99 レイテンシ (ms)</translation>
    </message>
    <message numerus="yes">
        <source>Last %n minute(s)</source>
        <translation>
            <numerusform>直近 %n 分</numerusform>
        </translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>直近 1 時間</translation>
    </message>
    <message>
        <source>Chart:</source>
        <translation>グラフ:</translation>
    </message>
    <message>
        <source>The market&apos;s p99 per kind of request (ms)</source>
        <translation>リクエスト種別ごとのマーケットの p99 (ms)</translation>
    </message>
</context>
<context>
    <name>lendable::market::ViolationsPage</name>
    <message>
        <source>Reported</source>
        <translation>報告日時</translation>
    </message>
    <message>
        <source>Lender</source>
        <translation>貸し手</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>パーティション</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>契約</translation>
    </message>
    <message>
        <source>Lease</source>
        <translation>貸出状態</translation>
    </message>
    <message>
        <source>What changed</source>
        <translation>変更内容</translation>
    </message>
    <message>
        <source>Filter by lender, partition, contract or what changed</source>
        <translation>貸し手、パーティション、契約、変更内容で絞り込み</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>restored</source>
        <translation>復元済み</translation>
    </message>
    <message>
        <source>not restored: contract ended</source>
        <translation>復元できず: 契約終了</translation>
    </message>
    <message numerus="yes">
        <source>%Ln violation(s) reported</source>
        <translation>
            <numerusform>%Ln 件の違反が報告されました</numerusform>
        </translation>
    </message>
    <message>
        <source>As the lender reported it: %1</source>
        <translation>貸し手からの報告のまま: %1</translation>
    </message>
    <message>
        <source>When the market was told, in this computer&apos;s time zone (%1).</source>
        <translation>マーケットに報告された時刻（このコンピューターのタイムゾーン %1）。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Lendable Market Manager</source>
        <translation>Lendable マーケットマネージャー</translation>
    </message>
    <message>
        <source>Lendable Market Manager: the market service and its desktop app.</source>
        <translation>Lendable マーケットマネージャー: マーケットサービスとそのデスクトップアプリ。</translation>
    </message>
    <message>
        <source>Run without a window (handled by the launcher).</source>
        <translation>ウィンドウなしで実行します (ランチャーが処理)。</translation>
    </message>
    <message>
        <source>Where the embedded market serves lenders and borrowers (default 127.0.0.1:7400).</source>
        <translation>組み込みマーケットが貸し手と借り手を受け付けるアドレス (既定値 127.0.0.1:7400)。</translation>
    </message>
    <message>
        <source>Database URL of the embedded market.</source>
        <translation>組み込みマーケットのデータベース URL。</translation>
    </message>
    <message>
        <source>Attach to a running market as admin.</source>
        <translation>実行中のマーケットに管理者として接続します。</translation>
    </message>
    <message>
        <source>Node ID of the market given with --connect.</source>
        <translation>--connect で指定したマーケットのノード ID。</translation>
    </message>
    <message>
        <source>A node ID allowed to administer the embedded market (repeatable).</source>
        <translation>組み込みマーケットの管理を許可するノード ID (複数指定可)。</translation>
    </message>
    <message>
        <source>cannot create the signal pipe: %1</source>
        <translation>シグナル用パイプを作成できません: %1</translation>
    </message>
    <message>
        <source>cannot install a signal handler: %1</source>
        <translation>シグナルハンドラーを設定できません: %1</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a fee percentage between 0 and 100 with at most two decimals</source>
        <translation>&apos;%1&apos; は 0 ～ 100 の手数料率 (小数点以下 2 桁まで) ではありません</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a node ID (64 hex characters)</source>
        <translation>&apos;%1&apos; はノード ID ではありません (16 進数 64 文字)</translation>
    </message>
    <message>
        <source>Lendable Market Manager: the market service (resource database, contracts, billing) and its desktop app.</source>
        <translation>Lendable マーケットマネージャー: マーケットサービス (リソースデータベース、契約、請求) とそのデスクトップアプリ。</translation>
    </message>
    <message>
        <source>Run the market service without a window until SIGTERM/SIGINT.</source>
        <translation>SIGTERM/SIGINT を受けるまで、マーケットサービスをウィンドウなしで実行します。</translation>
    </message>
    <message>
        <source>Address to serve the protocol on (headless default 0.0.0.0:7400; port 0 = any free port).</source>
        <translation>プロトコルを提供するアドレス (headless の既定値 0.0.0.0:7400、ポート 0 = 空いている任意のポート)。</translation>
    </message>
    <message>
        <source>Database URL: sqlite:PATH (default: market.db in the data directory) or postgresql://… (shared by several market processes).</source>
        <translation>データベース URL: sqlite:PATH (既定値: データディレクトリの market.db) または postgresql://… (複数のマーケットプロセスで共有)。</translation>
    </message>
    <message>
        <source>Node ID allowed to administer the market (repeatable).</source>
        <translation>マーケットの管理を許可するノード ID (複数指定可)。</translation>
    </message>
    <message>
        <source>Market fee in percent of each charge (default 10).</source>
        <translation>各料金に対するマーケット手数料の割合 (%、既定値 10)。</translation>
    </message>
    <message>
        <source>Seconds without a message after which a lender is offline (default 30).</source>
        <translation>メッセージがないまま経過すると貸し手をオフラインとみなす秒数 (既定値 30)。</translation>
    </message>
    <message>
        <source>Attach the desktop app to a running market as admin.</source>
        <translation>デスクトップアプリを実行中のマーケットに管理者として接続します。</translation>
    </message>
    <message>
        <source>--image wants NAME=DIR, not &apos;%1&apos;</source>
        <translation>--image には NAME=DIR を指定してください (&apos;%1&apos; は不可)</translation>
    </message>
    <message>
        <source>embedded, serving %1</source>
        <translation>組み込み、%1 で提供中</translation>
    </message>
    <message>
        <source>the node ID of the market at %1 is not known here yet: give it with --market-id ID (the market prints it with --print-id)</source>
        <translation>%1 のマーケットのノード ID はまだ不明です: --market-id ID で指定してください (マーケットは --print-id で表示します)</translation>
    </message>
    <message>
        <source>Node ID of the market given with --connect (remembered after the first connection).</source>
        <translation>--connect で指定したマーケットのノード ID (最初の接続後は記憶されます)。</translation>
    </message>
    <message>
        <source>Market fee of the embedded market in percent of each charge (default 10).</source>
        <translation>組み込みマーケットの手数料 (各料金に対する % 、既定 10)。</translation>
    </message>
    <message>
        <source>Seconds without a message after which a lender of the embedded market is offline (default 30).</source>
        <translation>組み込みマーケットで、メッセージがないまま貸し手をオフラインとみなすまでの秒数 (既定 30)。</translation>
    </message>
    <message>
        <source>The embedded market serves the OS image in DIR to lenders as NAME (repeatable).</source>
        <translation>組み込みマーケットが DIR の OS イメージを NAME として貸し手に提供します (複数指定可)。</translation>
    </message>
    <message>
        <source>Headless only (handled by the launcher).</source>
        <translation>ヘッドレス専用 (ランチャーが処理します)。</translation>
    </message>
    <message>
        <source>Write the period&apos;s invoices as CSV to PATH, then quit.</source>
        <translation>期間の請求書を CSV として PATH に書き出して終了します。</translation>
    </message>
    <message>
        <source>Write the period&apos;s payouts as CSV to PATH, then quit.</source>
        <translation>期間の支払いを CSV として PATH に書き出して終了します。</translation>
    </message>
    <message>
        <source>--stats-file works with --headless only</source>
        <translation>--stats-file は --headless でのみ使えます</translation>
    </message>
    <message>
        <source>--%1 sets up the embedded market; with --connect the market keeps its own settings</source>
        <translation>--%1 は組み込みマーケットの設定です。--connect ではマーケットが自身の設定を使います</translation>
    </message>
    <message>
        <source>--period takes 7, 30 or 90 days, not &apos;%1&apos;</source>
        <translation>--period には 7、30、90 日を指定します (&apos;%1&apos; ではなく)</translation>
    </message>
    <message>
        <source>Serve the OS image in DIR to lenders as NAME (repeatable).</source>
        <translation>DIR の OS イメージを NAME として貸し手に提供します (複数指定可)。</translation>
    </message>
    <message>
        <source>Desktop app: write the period&apos;s invoices as CSV to PATH, then quit.</source>
        <translation>デスクトップアプリ: 期間の請求書を CSV として PATH に書き出して終了します。</translation>
    </message>
    <message>
        <source>Desktop app: write the period&apos;s payouts as CSV to PATH, then quit.</source>
        <translation>デスクトップアプリ: 期間の支払いを CSV として PATH に書き出して終了します。</translation>
    </message>
    <message>
        <source>Write the billing report of the period (--period, or --from and --to) as PDF to PATH, then quit.</source>
        <translation>期間 (--period、または --from と --to) の請求レポートを PDF として PATH に書き出して終了します。</translation>
    </message>
    <message>
        <source>The billing period&apos;s first day (UTC), instead of --period.</source>
        <translation>請求期間の初日 (UTC)。--period の代わりに指定します。</translation>
    </message>
    <message>
        <source>The billing period&apos;s last day (UTC), included; with --from (default: today).</source>
        <translation>請求期間の最終日 (UTC、この日を含む)。--from と共に指定 (既定: 今日)。</translation>
    </message>
    <message>
        <source>--to needs --from</source>
        <translation>--to には --from が必要です</translation>
    </message>
    <message>
        <source>--period and --from each choose the billing period: give one</source>
        <translation>--period と --from はどちらも請求期間を選びます。どちらか一方を指定してください</translation>
    </message>
    <message>
        <source>--%1 takes a date as YYYY-MM-DD, not &apos;%2&apos;</source>
        <translation>--%1 には YYYY-MM-DD 形式の日付を指定します (&apos;%2&apos; ではなく)</translation>
    </message>
    <message>
        <source>Desktop app: write the billing report of the period (--period, or --from and --to) as PDF to PATH, then quit.</source>
        <translation>デスクトップアプリ: 期間 (--period、または --from と --to) の請求レポートを PDF として PATH に書き出して終了します。</translation>
    </message>
    <message>
        <source>Desktop app: the billing period&apos;s first day (UTC), instead of --period.</source>
        <translation>デスクトップアプリ: 請求期間の初日 (UTC)。--period の代わりに指定します。</translation>
    </message>
    <message>
        <source>Desktop app: the billing period&apos;s last day (UTC), included; with --from (default: today).</source>
        <translation>デスクトップアプリ: 請求期間の最終日 (UTC、この日を含む)。--from と共に指定 (既定: 今日)。</translation>
    </message>
    <message>
        <source>The billing period in days, up to today: 7, 30 or 90 (exports: 7 by default; the window: the period chosen last).</source>
        <translation>請求期間 (今日までの日数): 7、30、90 のいずれか (エクスポートの既定は 7、ウィンドウは前回選んだ期間)。</translation>
    </message>
    <message>
        <source>Desktop app: the billing period in days, up to today: 7, 30 or 90 (exports: 7 by default; the window: the period chosen last).</source>
        <translation>デスクトップアプリ: 請求期間 (今日までの日数): 7、30、90 のいずれか (エクスポートの既定は 7、ウィンドウは前回選んだ期間)。</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a heartbeat timeout in seconds from 15 to 86400 (lender agents send a heartbeat every 10 s)</source>
        <translation>「%1」は 15 から 86400 秒のハートビートのタイムアウトではありません (貸し手エージェントは 10 秒ごとにハートビートを送ります)</translation>
    </message>
    <message>
        <source>--from %1 is after today (%2, UTC), the last day when --to is not given: give --to too, or an earlier --from</source>
        <translation>--from %1 は今日（%2、UTC）より後です。--to を省略すると今日が最終日になります。--to も指定するか、より前の --from を指定してください</translation>
    </message>
    <message>
        <source>%1 was given %2 times (%3): give it once, with one file</source>
        <translation>%1 が %2 回指定されました（%3）。ファイルを 1 つだけ指定して 1 回にしてください</translation>
    </message>
    <message>
        <source>%1 and %2 would both write %3: give each its own file</source>
        <translation>%1 と %2 が両方とも %3 に書き込みます。それぞれ別のファイルを指定してください</translation>
    </message>
    <message>
        <source>Headless: on SIGUSR1, write the server-side request timings (JSON) to this file (without it, to the log).</source>
        <translation>ヘッドレス: SIGUSR1 を受けたら、サーバー側のリクエスト時間（JSON）をこのファイルに書き込みます（指定がなければログへ）。</translation>
    </message>
    <message>
        <source>The embedded market keeps the imported OS images in DIR (default: images in the data directory).</source>
        <translation>組み込みマーケットは、インポートした OS イメージを DIR に保存します（既定: データディレクトリ内の images）。</translation>
    </message>
    <message>
        <source>Keep the imported OS images in DIR (default: images in the data directory). Market processes on one PostgreSQL database give the same DIR on a shared file system, so that each can serve every image.</source>
        <translation>インポートした OS イメージを DIR に保存します（既定: データディレクトリ内の images）。1 つの PostgreSQL データベースを使うマーケットプロセスは、共有ファイルシステム上の同じ DIR を指定し、どのプロセスもすべてのイメージを配信できるようにします。</translation>
    </message>
    <message>
        <source>Seconds a connection to the embedded market may stay silent before it is closed, 30 to 86400, or 0 for never (default 300).</source>
        <translation>組み込みマーケットへの接続が無通信のままでいられる秒数。これを過ぎると閉じられます。30 から 86400、0 なら閉じません（既定 300）。</translation>
    </message>
    <message>
        <source>Seconds a connection may stay silent before it is closed, 30 to 86400, or 0 for never (default 300; closed after up to twice this).</source>
        <translation>接続が無通信のままでいられる秒数。これを過ぎると閉じられます。30 から 86400、0 なら閉じません（既定 300。閉じるのは最大でその 2 倍の後）。</translation>
    </message>
</context>
</TS>
