<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
<context>
    <name>OwnerCli</name>
    <message>
        <source>%1 needs a value</source>
        <translation>%1 には値が必要です</translation>
    </message>
    <message>
        <source>unknown option %1</source>
        <translation>不明なオプション %1</translation>
    </message>
    <message>
        <source>%1  %2  rate %3/h  os %4  %5</source>
        <translation>%1  %2  単価 %3/時  OS %4  %5</translation>
    </message>
    <message>
        <source>  market %1</source>
        <translation>  マーケット %1</translation>
    </message>
    <message>
        <source>  job %1</source>
        <translation>  ジョブ %1</translation>
    </message>
    <message>
        <source>  earned %1</source>
        <translation>  収益 %1</translation>
    </message>
    <message>
        <source>--cpus wants a whole number, not &apos;%1&apos;</source>
        <translation>--cpus には整数を指定してください (&apos;%1&apos; は不可)</translation>
    </message>
    <message>
        <source>--cpus is required</source>
        <translation>--cpus は必須です</translation>
    </message>
    <message>
        <source>%1 is required (e.g. 512M, 2G)</source>
        <translation>%1 は必須です (例: 512M, 2G)</translation>
    </message>
    <message>
        <source>--rate is required (price per hour, e.g. 0.5)</source>
        <translation>--rate は必須です (1 時間あたりの単価、例: 0.5)</translation>
    </message>
    <message>
        <source>--max-duration wants seconds</source>
        <translation>--max-duration には秒数を指定してください</translation>
    </message>
    <message>
        <source>no owner identity in %1 (run the CLI with the agent&apos;s --data directory): %2</source>
        <translation>%1 に所有者の ID がありません (エージェントの --data ディレクトリを指定して CLI を実行してください): %2</translation>
    </message>
    <message>
        <source>no running agent found for %1 (start `lender-console --headless --data %1 …` or pass --connect ADDR:PORT)</source>
        <translation>%1 で実行中のエージェントが見つかりません (`lender-console --headless --data %1 …` で起動するか、--connect ADDR:PORT を指定してください)</translation>
    </message>
    <message>
        <source>cannot reach the agent at %1: %2</source>
        <translation>%1 のエージェントに到達できません: %2</translation>
    </message>
    <message>
        <source>unknown command &apos;%1 %2&apos;
%3</source>
        <translation>不明なコマンド &apos;%1 %2&apos;
%3</translation>
    </message>
    <message>
        <source>partition %1 needs a partition ID</source>
        <translation>partition %1 にはパーティション ID が必要です</translation>
    </message>
    <message>
        <source>image add needs NAME and DIR</source>
        <translation>image add には NAME と DIR が必要です</translation>
    </message>
    <message>
        <source>partition lend-direct needs --borrower-id ID</source>
        <translation>partition lend-direct には --borrower-id ID が必要です</translation>
    </message>
    <message>
        <source>host       %1 (%2)</source>
        <translation>ホスト     %1 (%2)</translation>
    </message>
    <message>
        <source>reserve    %1</source>
        <translation>確保分     %1</translation>
    </message>
    <message>
        <source>allocated  %1</source>
        <translation>割当済み   %1</translation>
    </message>
    <message>
        <source>available  %1</source>
        <translation>利用可能   %1</translation>
    </message>
    <message>
        <source>libvirt    %1 (%2)</source>
        <translation>libvirt    %1 (%2)</translation>
    </message>
    <message>
        <source>%1  %2  %3 bytes</source>
        <translation>%1  %2  %3 バイト</translation>
    </message>
    <message>
        <source>no partition %1 on this machine</source>
        <translation>このマシンにパーティション %1 はありません</translation>
    </message>
    <message>
        <source>deleted %1</source>
        <translation>%1 を削除しました</translation>
    </message>
    <message>
        <source>partition %1 lent directly: contract %2, key %3 (hand it to the borrower; it is shown once)</source>
        <translation>パーティション %1 を直接貸し出しました: 契約 %2、キー %3 (借り手に渡してください。表示は 1 回だけです)</translation>
    </message>
    <message>
        <source> (this contract %1 so far)</source>
        <translation> (この契約のこれまでの分 %1)</translation>
    </message>
    <message>
        <source>  lent to %1, contract %2</source>
        <translation>  %1 に貸出中、契約 %2</translation>
    </message>
    <message>
        <source>the borrower reaches this machine at %1, agent ID %2</source>
        <translation>借り手はこのマシンに %1 で接続します(エージェント ID %2)</translation>
    </message>
    <message>
        <source>           NOT REACHABLE: %1</source>
        <translation>           到達不能: %1</translation>
    </message>
    <message>
        <source>%1  %2  partition %3  %4  borrower %5  submitted %6</source>
        <translation>%1  %2  パーティション %3  %4  借り手 %5  投入 %6</translation>
    </message>
    <message>
        <source>  ran %1 s</source>
        <translation>  実行 %1 秒</translation>
    </message>
    <message>
        <source>  results removed %1</source>
        <translation>  結果は削除済み %1</translation>
    </message>
    <message>
        <source>  results kept until %1</source>
        <translation>  結果の保持期限 %1</translation>
    </message>
    <message>
        <source>--limit wants a number of jobs from 1 to 1000</source>
        <translation>--limit には 1 から 1000 までのジョブ数を指定してください</translation>
    </message>
    <message>
        <source>(older jobs remain: --all lists them)</source>
        <translation>（さらに古いジョブがあります: --all で一覧表示）</translation>
    </message>
    <message>
        <source>--os needs at least one image name</source>
        <translation>--os にはイメージ名を 1 つ以上指定してください</translation>
    </message>
    <message>
        <source>The market could not be reached: it is told of the withdrawal when this machine connects to it again, and a contract it concludes meanwhile is refused.</source>
        <translation>マーケットに接続できませんでした。このマシンが再接続したときに取り下げを通知します。それまでにマーケットが結んだ契約は拒否されます。</translation>
    </message>
    <message>
        <source>the agent at %1 is not the one of %2; name it with --agent-id ID (`lender-console --print-id --data ITS_DATA_DIR` prints it): %3</source>
        <translation>%1 のエージェントは %2 のエージェントではありません。--agent-id ID で指定してください (`lender-console --print-id --data そのデータディレクトリ` で表示できます): %3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an agent ID (64 hex digits; `lender-console --print-id --data DIR` prints the ID of the agent keeping its data in DIR)</source>
        <translation>&apos;%1&apos; はエージェント ID ではありません (16 進数 64 桁。`lender-console --print-id --data DIR` で、DIR にデータを置くエージェントの ID を表示できます)</translation>
    </message>
    <message>
        <source>--since: &apos;%1&apos; is not a date; write 2026-05-01 or 2026-05-01T12:00:00Z</source>
        <translation>--since: &apos;%1&apos; は日付ではありません。2026-05-01 や 2026-05-01T12:00:00Z のように指定してください</translation>
    </message>
    <message>
        <source>the receipt is NOT valid: %1</source>
        <translation>領収書は無効です: %1</translation>
    </message>
    <message>
        <source>The receipt for contract %1 is valid: signed by market %2; charge %3, lender %4.</source>
        <translation>契約 %1 の領収書は有効です: マーケット %2 の署名、料金 %3、貸し手 %4。</translation>
    </message>
    <message>
        <source>The start receipt for contract %1 is valid: signed by market %2 when the contract began; it bills nothing (the end receipt carries the charge).</source>
        <translation>契約 %1 の開始時の領収書は有効です: 契約開始時にマーケット %2 が署名しました。これは請求ではありません (料金は終了時の領収書に記載されます)。</translation>
    </message>
    <message>
        <source>receipt show needs a contract ID</source>
        <translation>receipt show には契約 ID が必要です</translation>
    </message>
    <message>
        <source>receipt verify needs a FILE (- for standard input)</source>
        <translation>receipt verify には FILE が必要です (標準入力は -)</translation>
    </message>
    <message>
        <source>--market-id: &apos;%1&apos; is not a market ID (64 hex digits)</source>
        <translation>--market-id: &apos;%1&apos; はマーケット ID ではありません (16 進数 64 桁)</translation>
    </message>
    <message>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>CONTRACT</source>
        <translation>契約</translation>
    </message>
    <message>
        <source>PARTITION</source>
        <translation>パーティション</translation>
    </message>
    <message>
        <source>BORROWER</source>
        <translation>借り手</translation>
    </message>
    <message>
        <source>STARTED</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>ENDED</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>DURATION</source>
        <translation>期間</translation>
    </message>
    <message>
        <source>RATE/H</source>
        <translation>料金/時</translation>
    </message>
    <message>
        <source>CHARGE</source>
        <translation>請求額</translation>
    </message>
    <message>
        <source>PAYOUT</source>
        <translation>支払い</translation>
    </message>
    <message>
        <source>(the market lists the newest 1,000: --since DATE shows older ones)</source>
        <translation>(マーケットは最新の 1,000 件を表示します。--since DATE で古いものを表示できます)</translation>
    </message>
    <message>
        <source>Contracts: %1; paid out %2 of %3 charged (market fee %4)</source>
        <translation>契約: %1 件。請求額 %3 のうち %2 を支払い (マーケット手数料 %4)</translation>
    </message>
    <message>
        <source>Still running: %1 (paid once they end)</source>
        <translation>実行中: %1 件 (終了後に支払われます)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is one word too many for `%2 %3`</source>
        <translation>&apos;%1&apos; は `%2 %3` には余分な語です</translation>
    </message>
    <message>
        <source>No contracts at this market started since %1.</source>
        <translation>%1 以降にこのマーケットで始まった契約はありません。</translation>
    </message>
    <message>
        <source>No contracts at this market yet.</source>
        <translation>このマーケットにはまだ契約がありません。</translation>
    </message>
    <message>
        <source>FEE</source>
        <translation>手数料</translation>
    </message>
    <message>
        <source>note: contract %1 is still running; this is its start receipt, which bills nothing (the end receipt comes once it ended)</source>
        <translation>注意: 契約 %1 はまだ実行中です。これは開始時の領収書で、請求ではありません (終了時の領収書は終了後に届きます)</translation>
    </message>
    <message>
        <source>no lender agent answers (%1); is `lender-console --headless --data %2` running? --connect ADDR:PORT names another</source>
        <translation>貸し手エージェントが応答しません (%1)。`lender-console --headless --data %2` は実行中ですか? 別のエージェントは --connect ADDR:PORT で指定します</translation>
    </message>
    <message>
        <source>cannot read which market contract %1 was made with in %2 (--market-id ID names the market to expect): %3</source>
        <translation>契約 %1 がどのマーケットと結ばれたかを %2 から読み取れません (--market-id ID で期待するマーケットを指定できます): %3</translation>
    </message>
    <message>
        <source>(--market-id ID also checks that it is your market&apos;s signature; a contract kept in the --data directory is checked against the market it was made with)</source>
        <translation>(--market-id ID を付けると、あなたのマーケットの署名であることも確認します。--data ディレクトリにある契約は、結ばれたマーケットと照合します)</translation>
    </message>
    <message>
        <source>usage: lender-console --cli [--data DIR] [--connect ADDR:PORT] [--agent-id ID] [--json] [--language CODE] COMMAND
  machine show
  machine reserve --cpus N --memory SIZE --disk SIZE
  partition create --cpus N --memory SIZE --disk SIZE --rate DECIMAL [--os IMAGE[,IMAGE...]] [--max-duration S]
  partition alter ID [--cpus N] [--memory SIZE] [--disk SIZE] [--rate DECIMAL] [--os ...] [--max-duration S]
  partition register ID [--market-id ID] [--external]
  partition withdraw ID [--force]          --force: also while the market is unreachable (it is told later)
  partition delete ID
  partition list
  partition lend-direct ID --borrower-id ID [--borrower-name NAME]
  job list [--partition ID] [--limit N] [--all]
  image list
  image add NAME DIR
  bill list [--since DATE] [--market-id ID]  the market&apos;s bills for this machine&apos;s contracts: charge, payout, fee
  receipt show CONTRACT_ID [--market-id ID]  the contract&apos;s receipt, signed by the market, as JSON
  receipt verify FILE [--market-id ID]       check a receipt offline (FILE - reads standard input);
                                             exit 0: valid, 1: not valid or not a receipt
--timeout SECONDS: how long to wait for the agent&apos;s answer (default 60).
Sizes accept 512M, 2G; dates 2026-05-01 or 2026-05-01T12:00:00Z (UTC). Exit status 0 on success.</source>
        <translation>使い方: lender-console --cli [--data DIR] [--connect ADDR:PORT] [--agent-id ID] [--json] [--language CODE] COMMAND
  machine show
  machine reserve --cpus N --memory SIZE --disk SIZE
  partition create --cpus N --memory SIZE --disk SIZE --rate DECIMAL [--os IMAGE[,IMAGE...]] [--max-duration S]
  partition alter ID [--cpus N] [--memory SIZE] [--disk SIZE] [--rate DECIMAL] [--os ...] [--max-duration S]
  partition register ID [--market-id ID] [--external]
  partition withdraw ID [--force]          --force: マーケットに接続できなくても取り下げる (マーケットには後で通知)
  partition delete ID
  partition list
  partition lend-direct ID --borrower-id ID [--borrower-name NAME]
  job list [--partition ID] [--limit N] [--all]
  image list
  image add NAME DIR
  bill list [--since DATE] [--market-id ID]  このマシンの契約に対するマーケットの請求: 料金、支払い、手数料
  receipt show CONTRACT_ID [--market-id ID]  マーケットが署名した契約の領収書を JSON で表示する
  receipt verify FILE [--market-id ID]       領収書をオフラインで検証する (FILE に - で標準入力から読む)。
                                             終了コード 0: 有効、1: 無効または領収書ではない
--timeout SECONDS: エージェントの応答を待つ秒数 (既定 60)。
サイズは 512M、2G、日付は 2026-05-01 や 2026-05-01T12:00:00Z (UTC) のように指定できます。成功時の終了ステータスは 0 です。</translation>
    </message>
    <message>
        <source>--timeout wants seconds from 1 to 86400, not &apos;%1&apos;</source>
        <translation>--timeout には 1 から 86400 までの秒数を指定してください (&apos;%1&apos; ではなく)</translation>
    </message>
    <message>
        <source>the lease ends by itself at %1 (time limit %2 s)</source>
        <translation>リースは %1 に自動的に終了します (制限時間 %2 秒)</translation>
    </message>
</context>
<context>
    <name>PartitionMath</name>
    <message>
        <source>%1 CPUs wanted, %2 available</source>
        <translation>CPU %1 個を要求、利用可能 %2 個</translation>
    </message>
    <message>
        <source>%1 memory wanted, %2 available</source>
        <translation>メモリ %1 を要求、利用可能 %2</translation>
    </message>
    <message>
        <source>%1 disk wanted, %2 available</source>
        <translation>ディスク %1 を要求、利用可能 %2</translation>
    </message>
    <message>
        <source>negative resources: %1</source>
        <translation>負のリソース: %1</translation>
    </message>
    <message>
        <source>a partition needs at least 1 CPU</source>
        <translation>パーティションには少なくとも 1 CPU が必要です</translation>
    </message>
    <message>
        <source>a partition needs at least 64M of memory</source>
        <translation>パーティションには少なくとも 64M のメモリが必要です</translation>
    </message>
    <message>
        <source>the machine cannot give that (host minus reserve minus other partitions): %1</source>
        <translation>マシンにはその余裕がありません (ホスト − 確保分 − 他のパーティション): %1</translation>
    </message>
    <message>
        <source>negative reserve: %1</source>
        <translation>負の確保分: %1</translation>
    </message>
    <message>
        <source>that reserve does not fit beside the lendable partitions: %1</source>
        <translation>この確保分は貸出可能なパーティションと両立しません: %1</translation>
    </message>
    <message>
        <source>a partition needs at least %1 of disk (for its job&apos;s script, inputs, outputs and console)</source>
        <translation>パーティションには少なくとも %1 のディスクが必要です (ジョブのスクリプト、入力、出力、コンソール用)</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Not registered — you can change it</source>
        <translation>未登録 — 変更できます</translation>
    </message>
    <message>
        <source>Registered with market %1 — locked</source>
        <translation>マーケット %1 に登録済み — ロック中</translation>
    </message>
    <message>
        <source>Lent to %1 — job %2 running — locked</source>
        <translation>%1 に貸出中 — ジョブ %2 実行中 — ロック中</translation>
    </message>
    <message>
        <source>Lent to %1 — contract %2 — locked</source>
        <translation>%1 に貸出中 — 契約 %2 — ロック中</translation>
    </message>
</context>
<context>
    <name>lendable::lender::BillsDialog</name>
    <message>
        <source>Market:</source>
        <translation>マーケット:</translation>
    </message>
    <message>
        <source>Save receipt…</source>
        <translation>領収書を保存…</translation>
    </message>
    <message>
        <source>Bills at the Market</source>
        <translation>マーケットの請求</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>開始</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>契約</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>パーティション</translation>
    </message>
    <message>
        <source>Borrower</source>
        <translation>借り手</translation>
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
        <source>Rate / h</source>
        <translation>料金 / 時</translation>
    </message>
    <message>
        <source>Charge</source>
        <translation>請求額</translation>
    </message>
    <message>
        <source>Payout</source>
        <translation>支払い</translation>
    </message>
    <message>
        <source>Market fee</source>
        <translation>マーケット手数料</translation>
    </message>
    <message>
        <source>The selected contract&apos;s receipt, signed by the market, to keep or to check with `lender-console --cli receipt verify FILE`</source>
        <translation>選択した契約の、マーケットが署名した領収書 (保管用、または `lender-console --cli receipt verify FILE` での検証用)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Save receipt</source>
        <translation>領収書を保存</translation>
    </message>
    <message>
        <source>Receipts (*.json)</source>
        <translation>領収書 (*.json)</translation>
    </message>
    <message>
        <source>Not connected to the lender agent.</source>
        <translation>貸し手エージェントに接続していません。</translation>
    </message>
    <message>
        <source>This lender agent is older than this Lender Console and cannot ask the market for bills; update it.</source>
        <translation>この貸し手エージェントはこの Lender Console より古く、マーケットに請求を問い合わせることができません。更新してください。</translation>
    </message>
    <message>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>%1 so far</source>
        <translation>これまで %1</translation>
    </message>
    <message>
        <source>when it ends</source>
        <translation>終了時</translation>
    </message>
    <message>
        <source>The market has no contract of this machine yet.</source>
        <translation>マーケットにはまだこのマシンの契約がありません。</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 に書き込めません: %2</translation>
    </message>
    <message>
        <source>Contracts: %1 · paid out %2 of %3 charged · the market&apos;s fee %4</source>
        <translation>契約: %1 件 · 請求額 %3 のうち %2 を支払い · マーケット手数料 %4</translation>
    </message>
    <message>
        <source>still running: %1 (paid when they end)</source>
        <translation>実行中: %1 件 (終了時に支払われます)</translation>
    </message>
    <message>
        <source>the market lists the newest 1,000</source>
        <translation>マーケットは最新の 1,000 件を表示します</translation>
    </message>
    <message>
        <source>Asking the market…</source>
        <translation>マーケットに問い合わせ中…</translation>
    </message>
    <message>
        <source>The receipt for contract %1 is saved in %2 (signed by the market, checked here).</source>
        <translation>契約 %1 の領収書を %2 に保存しました (マーケットの署名、ここで検証済み)。</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>lendable::lender::DirectLeaseDialog</name>
    <message>
        <source>Lend Partition %1 Directly</source>
        <translation>パーティション %1 を直接貸す</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>任意</translation>
    </message>
    <message>
        <source>Lend this partition to one borrower, without a market: you give the borrower a key file, and its Borrower Client reaches this machine directly. Nobody is billed; end the lease here.</source>
        <translation>市場を介さずにこのパーティションを 1 人の借り手に貸します。借り手に鍵ファイルを渡すと、借り手の Borrower Client がこのマシンに直接接続します。課金はありません。貸し出しはここで終了します。</translation>
    </message>
    <message>
        <source>Borrower&apos;s node ID</source>
        <translation>借り手のノード ID</translation>
    </message>
    <message>
        <source>Borrower&apos;s name</source>
        <translation>借り手の名前</translation>
    </message>
    <message>
        <source>Lend</source>
        <translation>貸す</translation>
    </message>
    <message numerus="yes">
        <source>A node ID has 64 hex digits (this has %n characters).</source>
        <translation>
            <numerusform>ノード ID は 16 進 64 桁です(入力は %n 文字)。</numerusform>
        </translation>
    </message>
    <message>
        <source>The name may not hold control characters.</source>
        <translation>名前に制御文字は使えません。</translation>
    </message>
    <message>
        <source>64 hex digits</source>
        <translation>16 進 64 桁</translation>
    </message>
    <message>
        <source>The borrower&apos;s machine prints it: borrower-client --print-id</source>
        <translation>借り手のマシンで表示できます: borrower-client --print-id</translation>
    </message>
    <message>
        <source>The name is %1 characters long; at most %2 are kept.</source>
        <translation>名前は %1 文字です。保持されるのは最大 %2 文字です。</translation>
    </message>
</context>
<context>
    <name>lendable::lender::ImageFetcher</name>
    <message>
        <source>&apos;%1&apos; is not an image name</source>
        <translation>&apos;%1&apos; はイメージ名ではありません</translation>
    </message>
    <message>
        <source>image %1 is not held here and no market is connected to fetch it from</source>
        <translation>イメージ %1 はここになく、取得元のマーケットにも接続していません</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 に書き込めません: %2</translation>
    </message>
    <message>
        <source>the market went away while image %1 was downloading</source>
        <translation>イメージ %1 のダウンロード中にマーケットとの接続が失われました</translation>
    </message>
    <message>
        <source>cannot download image %1 from the market: %2</source>
        <translation>マーケットからイメージ %1 をダウンロードできません: %2</translation>
    </message>
    <message>
        <source>the market described image %1 badly</source>
        <translation>マーケットから届いたイメージ %1 の説明が不正です</translation>
    </message>
    <message>
        <source>the market switched images in the middle of the download</source>
        <translation>ダウンロードの途中でマーケットがイメージを切り替えました</translation>
    </message>
    <message>
        <source>the market sent a chunk of image %1 that does not fit (offset %2, %3 bytes)</source>
        <translation>マーケットが送ってきたイメージ %1 の断片が合いません (offset %2、%3 バイト)</translation>
    </message>
    <message>
        <source>image %1 from the market does not match its SHA-256 %2; discarded</source>
        <translation>マーケットからのイメージ %1 が SHA-256 %2 と一致しないため破棄しました</translation>
    </message>
    <message>
        <source>cannot create a directory under %1</source>
        <translation>%1 の下にディレクトリを作成できません</translation>
    </message>
    <message>
        <source>cannot unpack image %1: %2</source>
        <translation>イメージ %1 を展開できません: %2</translation>
    </message>
    <message>
        <source>image %1 from the market has no image.json</source>
        <translation>マーケットからのイメージ %1 に image.json がありません</translation>
    </message>
    <message>
        <source>image %1 needs %2 MiB free under %3 to download and unpack; %4 MiB are free</source>
        <translation>イメージ %1 のダウンロードと展開には %3 に %2 MiB の空きが必要ですが、空きは %4 MiB です</translation>
    </message>
    <message>
        <source>image %1 needs %2 MiB free under %3 to keep it; %4 MiB are free</source>
        <translation>イメージ %1 を保存するには %3 に %2 MiB の空きが必要ですが、空きは %4 MiB です</translation>
    </message>
</context>
<context>
    <name>lendable::lender::JobsDialog</name>
    <message>
        <source>Older jobs</source>
        <translation>古いジョブ</translation>
    </message>
    <message>
        <source>Jobs on This Machine</source>
        <translation>このマシンのジョブ</translation>
    </message>
    <message>
        <source>All partitions</source>
        <translation>すべてのパーティション</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>投入日時</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>ジョブ</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>パーティション</translation>
    </message>
    <message>
        <source>Borrower</source>
        <translation>借り手</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>OS</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Ran</source>
        <translation>実行時間</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Partition:</source>
        <translation>パーティション:</translation>
    </message>
    <message>
        <source>Not connected to the lender agent.</source>
        <translation>貸し手エージェントに接続していません。</translation>
    </message>
    <message>
        <source>This lender agent is older than this Lender Console and cannot list its jobs; update it.</source>
        <translation>この貸し手エージェントはこの Lender Console より古く、ジョブを一覧表示できません。更新してください。</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1, exit code %2</source>
        <translation>%1、終了コード %2</translation>
    </message>
    <message>
        <source>removed %1</source>
        <translation>%1 に削除</translation>
    </message>
    <message>
        <source>kept until %1</source>
        <translation>%1 まで保持</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>保持</translation>
    </message>
    <message>
        <source>%1 so far</source>
        <translation>%1（実行中）</translation>
    </message>
    <message>
        <source>No job has run on this machine yet.</source>
        <translation>このマシンではまだジョブが実行されていません。</translation>
    </message>
    <message>
        <source>Jobs shown: the newest %1; older ones remain.</source>
        <translation>表示中のジョブ: 最新の %1 件（さらに古いジョブがあります）。</translation>
    </message>
    <message>
        <source>Jobs shown: %1, all of them.</source>
        <translation>表示中のジョブ: %1 件（すべて）。</translation>
    </message>
</context>
<context>
    <name>lendable::lender::KeyFileDialog</name>
    <message>
        <source>Save key file…</source>
        <translation>鍵ファイルを保存…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <source>Key for Partition %1</source>
        <translation>パーティション %1 の鍵</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>コピーしました。</translation>
    </message>
    <message>
        <source>Save key file</source>
        <translation>鍵ファイルを保存</translation>
    </message>
    <message>
        <source>Key files (*.json)</source>
        <translation>鍵ファイル (*.json)</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 を保存できません: %2</translation>
    </message>
    <message>
        <source>Saved to %1 (readable by you only).</source>
        <translation>%1 に保存しました(あなただけが読めます)。</translation>
    </message>
    <message>
        <source>Close without saving or copying the key? It cannot be shown again: the borrower could not use the partition until you end the lease and lend it anew.</source>
        <translation>鍵を保存もコピーもせずに閉じますか? 鍵は再表示できません。貸し出しを終了して貸し直すまで、借り手はパーティションを使えません。</translation>
    </message>
    <message>
        <source>Partition %1 is lent to %2, contract %3.
Give the borrower this key file; it is shown only now. The borrower runs jobs with: borrower-client --cli submit --key-file FILE …</source>
        <translation>パーティション %1 を %2 に貸しました(契約 %3)。
この鍵ファイルを借り手に渡してください。表示されるのは今だけです。借り手は次のようにジョブを実行します: borrower-client --cli submit --key-file FILE …</translation>
    </message>
    <message>
        <source>The lease ends by itself at %1 (the partition&apos;s time limit, %2 h:mm:ss).</source>
        <translation>リースは %1 に自動的に終了します (パーティションの制限時間 %2、h:mm:ss)。</translation>
    </message>
</context>
<context>
    <name>lendable::lender::LenderWindow</name>
    <message>
        <source>Lendable Lender Console</source>
        <translation>Lendable 貸し手コンソール</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
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
        <source>Partition your machine and lend what you do not use.</source>
        <translation>マシンをパーティションに分け、使っていない分を貸し出します。</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>表示</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>Lendable</source>
        <translation>Lendable</translation>
    </message>
    <message>
        <source>Still lending in the background. Quit from the tray menu.</source>
        <translation>バックグラウンドで貸し出しを続けています。終了はトレイメニューから行ってください。</translation>
    </message>
    <message numerus="yes">
        <source>Lendable: %n partition(s) lent, %1 offered</source>
        <translation>
            <numerusform>Lendable: パーティション %n 個を貸出中、%1 個を提供中</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 lent, %2 offered</source>
        <translation>貸出中 %1、提供中 %2</translation>
    </message>
    <message>
        <source>This machine (%1)</source>
        <translation>このマシン (%1)</translation>
    </message>
</context>
<context>
    <name>lendable::lender::MachineBar</name>
    <message>
        <source>Host: %1 vCPU, %2 memory, %3 disk</source>
        <translation>ホスト: %1 vCPU、メモリ %2、ディスク %3</translation>
    </message>
    <message>
        <source>Owner&apos;s reserve: %1 vCPU, %2, %3</source>
        <translation>所有者の確保分: %1 vCPU、%2、%3</translation>
    </message>
    <message>
        <source>%1: %2 vCPU, %3, %4</source>
        <translation>%1: %2 vCPU、%3、%4</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
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
        <source>owner %1</source>
        <translation>所有者 %1</translation>
    </message>
    <message>
        <source>owner&apos;s reserve</source>
        <translation>所有者の予約分</translation>
    </message>
    <message>
        <source>partition %1</source>
        <translation>パーティション %1</translation>
    </message>
    <message>
        <source>free</source>
        <translation>空き</translation>
    </message>
</context>
<context>
    <name>lendable::lender::MachineTab</name>
    <message>
        <source>New partition</source>
        <translation>新しいパーティション</translation>
    </message>
    <message>
        <source>Owner&apos;s reserve (never lent)</source>
        <translation>所有者の確保分 (貸し出されません)</translation>
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
        <source>not connected to the lender agent</source>
        <translation>貸し手エージェントに接続していません</translation>
    </message>
    <message>
        <source>%1. Running jobs go on, but no new job can start until the agent is connected to libvirt again, which it does by itself.</source>
        <translation>%1。実行中のジョブは続行しますが、エージェントが libvirt に再接続するまで新しいジョブは開始できません。再接続は自動で行われます。</translation>
    </message>
    <message>
        <source>Jobs…</source>
        <translation>ジョブ…</translation>
    </message>
    <message>
        <source>The jobs borrowers ran on this machine, and what became of their results</source>
        <translation>借り手がこのマシンで実行したジョブと、その結果の扱い</translation>
    </message>
    <message>
        <source>Partition %1 is withdrawn here; its market is told when this machine reaches it again.</source>
        <translation>パーティション %1 はここで取り下げられました。このマシンがマーケットに再接続したときに通知されます。</translation>
    </message>
    <message>
        <source>Withdraw partition</source>
        <translation>パーティションを取り下げ</translation>
    </message>
    <message>
        <source>The market of partition %1 cannot be reached now.</source>
        <translation>パーティション %1 のマーケットに現在接続できません。</translation>
    </message>
    <message>
        <source>Withdraw it here anyway? The partition is yours again at once, and the market is told when this machine reaches it again. A borrower who contracts it there meanwhile is refused, which counts against this machine&apos;s reliability.</source>
        <translation>それでもここで取り下げますか? パーティションはすぐにあなたのものに戻り、このマシンがマーケットに再接続したときに通知されます。それまでにマーケットで契約した借り手は拒否され、このマシンの信頼性に影響します。</translation>
    </message>
    <message>
        <source>Withdraw anyway</source>
        <translation>それでも取り下げる</translation>
    </message>
    <message>
        <source>%1 — %2 vCPU, %3 memory, %4 free disk · available to lend: %5 vCPU, %6 memory, %7 disk · %8 (%9)</source>
        <translation>%1 — %2 vCPU、メモリ %3、空きディスク %4 · 貸出可能: %5 vCPU、メモリ %6、ディスク %7 · %8 (%9)</translation>
    </message>
    <message>
        <source>Exactly: %1 memory, %2 disk; available %3 memory, %4 disk. The disk is the free space of the file system holding the agent&apos;s data, plus what running jobs already wrote.</source>
        <translation>正確な値: メモリ %1、ディスク %2。貸出可能: メモリ %3、ディスク %4。ディスクはエージェントのデータを置くファイルシステムの空き容量に、実行中のジョブがすでに書き込んだ分を加えたものです。</translation>
    </message>
    <message numerus="yes">
        <source>%n vCPU(s)</source>
        <translation>
            <numerusform>%n vCPU</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of memory</source>
        <translation>メモリ %1</translation>
    </message>
    <message>
        <source>%1 of disk</source>
        <translation>ディスク %1</translation>
    </message>
    <message>
        <source> and </source>
        <translation>、</translation>
    </message>
    <message>
        <source>The partitions and your reserve were promised %1 more than this machine has now: a job may not get all that its partition promises (a full disk stops it). Make a partition or the reserve smaller, or free space on the disk.</source>
        <translation>パーティションと予約分に、このマシンの現在の容量より %1 多く割り当てられています。ジョブはパーティションの約束どおりの資源を得られないかもしれません (ディスクが満杯になると停止します)。パーティションか予約分を小さくするか、ディスクの空きを増やしてください。</translation>
    </message>
    <message>
        <source>Bills…</source>
        <translation>請求…</translation>
    </message>
    <message>
        <source>What the market bills for this machine&apos;s contracts: your payouts, its fees, and signed receipts</source>
        <translation>このマシンの契約に対するマーケットの請求: あなたへの支払い、手数料、署名付き領収書</translation>
    </message>
    <message>
        <source>Partition %1 is lent, and its allocation was changed behind the agent&apos;s back (%2).</source>
        <translation>パーティション %1 は貸出中ですが、エージェントを通さずに割り当てが変更されました (%2)。</translation>
    </message>
    <message>
        <source>The agent put the lease back and reported it to the market. Change a partition only when it is not lent.</source>
        <translation>エージェントは契約どおりの割り当てに戻し、マーケットに報告しました。パーティションは貸出中でないときにだけ変更してください。</translation>
    </message>
    <message>
        <source>The agent put the lease back. Change a partition only when it is not lent.</source>
        <translation>エージェントは契約どおりの割り当てに戻しました。パーティションは貸出中でないときにだけ変更してください。</translation>
    </message>
    <message>
        <source>The agent could not put the lease back: the market ends the contract and counts it against this machine&apos;s reliability.</source>
        <translation>エージェントは契約どおりの割り当てに戻せませんでした。マーケットは契約を終了し、このマシンの信頼性に反映します。</translation>
    </message>
    <message>
        <source>The agent could not put the lease back: the borrower no longer has what was leased; end the lease if it cannot be given back.</source>
        <translation>エージェントは契約どおりの割り当てに戻せませんでした。借り手は貸し出した分を使えなくなっています。戻せない場合は貸出を終了してください。</translation>
    </message>
    <message>
        <source>Lost the connection to the lender agent (%1). Connecting again… What is shown is from before.</source>
        <translation>貸し手エージェントとの接続が切れました（%1）。再接続しています… 表示は切断前のものです。</translation>
    </message>
    <message>
        <source>Lost the connection to the lender agent (%1). What is shown is from before.</source>
        <translation>貸し手エージェントとの接続が切れました（%1）。表示は切断前のものです。</translation>
    </message>
    <message>
        <source>Lost the connection to the lender agent: %1</source>
        <translation>貸し手エージェントとの接続が切れました: %1</translation>
    </message>
    <message>
        <source>Lost the connection to the lender agent. Trying again in %1 s (%2). What is shown is from before.</source>
        <translation>貸し手エージェントとの接続が切れました。%1 秒後に再試行します（%2）。表示は切断前のものです。</translation>
    </message>
    <message>
        <source>cannot connect</source>
        <translation>接続できません</translation>
    </message>
    <message>
        <source>Connected to the lender agent again.</source>
        <translation>貸し手エージェントに再接続しました。</translation>
    </message>
    <message>
        <source>the lender agent</source>
        <translation>貸し手エージェント</translation>
    </message>
    <message>
        <source>Connecting to the lender agent…</source>
        <translation>貸し手エージェントに接続しています…</translation>
    </message>
    <message>
        <source>Not connected to the lender agent yet (%1). Trying again in %2 s.</source>
        <translation>貸し手エージェントにまだ接続していません（%1）。%2 秒後に再試行します。</translation>
    </message>
    <message>
        <source>Cannot connect to a lender agent: %1. Its tab tries again by itself.</source>
        <translation>貸し手エージェントに接続できません: %1。そのタブが自動的に再試行します。</translation>
    </message>
</context>
<context>
    <name>lendable::lender::PartitionCard</name>
    <message>
        <source>Register</source>
        <translation>登録</translation>
    </message>
    <message>
        <source>Withdraw</source>
        <translation>取り下げ</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>削除</translation>
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
        <source>Rate per hour</source>
        <translation>1 時間あたりの単価</translation>
    </message>
    <message>
        <source>OS images</source>
        <translation>OS イメージ</translation>
    </message>
    <message>
        <source>Partition %1</source>
        <translation>パーティション %1</translation>
    </message>
    <message>
        <source>Locked: the allocation cannot change while registered or lent</source>
        <translation>ロック中: 登録中または貸出中は割り当てを変更できません</translation>
    </message>
    <message>
        <source>Earned %1</source>
        <translation>収益: %1</translation>
    </message>
    <message>
        <source>Earned %1 · this contract %2 so far</source>
        <translation>収益: %1 · この契約でこれまで %2</translation>
    </message>
    <message>
        <source>Borrower: %1
Node ID: %2</source>
        <translation>借り手: %1
ノード ID: %2</translation>
    </message>
    <message>
        <source>(no name given)</source>
        <translation>(名前なし)</translation>
    </message>
    <message>
        <source>Lend directly…</source>
        <translation>直接貸す…</translation>
    </message>
    <message>
        <source>Lend this partition to one borrower on your network, without a market</source>
        <translation>市場を介さずに、このパーティションをネットワーク内の 1 人の借り手に貸します</translation>
    </message>
    <message>
        <source>End Lease</source>
        <translation>貸し出しを終了</translation>
    </message>
    <message>
        <source>End the direct lease: the borrower&apos;s key stops working</source>
        <translation>直接の貸し出しを終了します。借り手の鍵は使えなくなります</translation>
    </message>
    <message>
        <source>none — or e.g. 2h, 1d, 1:30:00</source>
        <translation>なし — または例: 2h、1d、1:30:00</translation>
    </message>
    <message>
        <source>The longest a contract may run (hours:minutes:seconds, or an amount such as 90m, 2h or 1d): the market ends it then. Empty for no limit.</source>
        <translation>契約を続けられる最長の時間 (時:分:秒、または 90m、2h、1d のような量)。その時点でマーケットが契約を終了します。空欄は無制限です。</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>制限時間</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Lendable Lender Console</source>
        <translation>Lendable 貸し手コンソール</translation>
    </message>
    <message>
        <source>Lendable Lender Console: partition your machine and lend it.</source>
        <translation>Lendable 貸し手コンソール: マシンをパーティションに分けて貸し出します。</translation>
    </message>
    <message>
        <source>Run without a window (handled by the launcher).</source>
        <translation>ウィンドウなしで実行します (ランチャーが処理)。</translation>
    </message>
    <message>
        <source>Command-line mode (handled by the launcher).</source>
        <translation>コマンドラインモード (ランチャーが処理)。</translation>
    </message>
    <message>
        <source>libvirt connection URI.</source>
        <translation>libvirt の接続 URI。</translation>
    </message>
    <message>
        <source>Attach to a running agent (repeatable: a tab per machine).</source>
        <translation>実行中のエージェントに接続します (複数指定可: マシンごとに 1 タブ)。</translation>
    </message>
    <message>
        <source>Node ID of each --connect agent, in order (default: from the data directory&apos;s agent.address).</source>
        <translation>各 --connect エージェントのノード ID を同じ順で指定 (既定値: データディレクトリの agent.address から)。</translation>
    </message>
    <message>
        <source>give one --agent-id per --connect</source>
        <translation>--connect ごとに --agent-id を 1 つ指定してください</translation>
    </message>
    <message>
        <source>Lendable Lender Console: the lender agent (partitions, lock, jobs) and its desktop app.</source>
        <translation>Lendable 貸し手コンソール: 貸し手エージェント (パーティション、ロック、ジョブ) とそのデスクトップアプリ。</translation>
    </message>
    <message>
        <source>Run the lender agent without a window.</source>
        <translation>貸し手エージェントをウィンドウなしで実行します。</translation>
    </message>
    <message>
        <source>Run one owner command against the running agent (see --cli --help).</source>
        <translation>実行中のエージェントに所有者コマンドを 1 つ実行します (--cli --help を参照)。</translation>
    </message>
    <message>
        <source>Address the agent serves borrowers and the owner on.</source>
        <translation>エージェントが借り手と所有者を受け付けるアドレス。</translation>
    </message>
    <message>
        <source>host:port the markets give borrowers (default: the listen address).</source>
        <translation>マーケットが借り手に伝える host:port (既定値: 待ち受けアドレス)。</translation>
    </message>
    <message>
        <source>A market to register partitions with (repeatable).</source>
        <translation>パーティションを登録するマーケット (複数指定可)。</translation>
    </message>
    <message>
        <source>Node ID of that market (repeatable, in the same order).</source>
        <translation>そのマーケットのノード ID (複数指定可、同じ順で)。</translation>
    </message>
    <message>
        <source>Another node ID allowed to act as the machine&apos;s owner (repeatable).</source>
        <translation>マシンの所有者として操作できる別のノード ID (複数指定可)。</translation>
    </message>
    <message>
        <source>Lender name shown to borrowers.</source>
        <translation>借り手に表示される貸し手の名前。</translation>
    </message>
    <message>
        <source>Default job time limit in seconds.</source>
        <translation>ジョブの既定の制限時間 (秒)。</translation>
    </message>
    <message>
        <source>Attach to a running agent instead of starting one (repeatable in the GUI).</source>
        <translation>エージェントを起動せず、実行中のエージェントに接続します (GUI では複数指定可)。</translation>
    </message>
    <message>
        <source>give one --market-id per --market (%1 markets, %2 IDs)</source>
        <translation>--market ごとに --market-id を 1 つ指定してください (マーケット %1 個、ID %2 個)</translation>
    </message>
    <message>
        <source>--virt-type is qemu or kvm</source>
        <translation>--virt-type は qemu か kvm です</translation>
    </message>
    <message>
        <source>--job-timeout wants seconds</source>
        <translation>--job-timeout には秒数を指定してください</translation>
    </message>
    <message>
        <source>Domain type: qemu (TCG) or kvm. Default: kvm if a timed smoke boot passes (tested once, cached in the data directory), else qemu.</source>
        <translation>ドメインの種類: qemu (TCG) または kvm。既定値: 時間制限付きの試験起動に成功すれば kvm (一度だけ試し、結果はデータディレクトリに保存)、そうでなければ qemu。</translation>
    </message>
    <message>
        <source>--%1 sets up the embedded agent; with --connect each agent keeps its own settings</source>
        <translation>--%1 は組み込みエージェントの設定です。--connect では各エージェントが自身の設定を使います</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a node ID (64 hex characters)</source>
        <translation>&apos;%1&apos; はノード ID (16 進 64 文字) ではありません</translation>
    </message>
    <message>
        <source>--name is %1 characters long; markets keep at most %2</source>
        <translation>--name は %1 文字です。マーケットが保持するのは最大 %2 文字です</translation>
    </message>
    <message>
        <source>--name contains a control character (U+%1)</source>
        <translation>--name に制御文字 (U+%1) が含まれています</translation>
    </message>
    <message>
        <source>--keep-results wants days from 0 (for ever) to 3660, not &apos;%1&apos;</source>
        <translation>--keep-results には 0（無期限）から 3660 までの日数を指定してください（&apos;%1&apos; ではなく）</translation>
    </message>
    <message>
        <source>Do not pin running partitions to host CPUs of their own (vcpupin); the host&apos;s scheduler places their vCPUs.</source>
        <translation>実行中のパーティションを専用のホスト CPU に固定しない（vcpupin）。vCPU の配置はホストのスケジューラーに任せます。</translation>
    </message>
    <message>
        <source>Days a finished job&apos;s output files and console are kept for its borrower (default %1; 0 = for ever).</source>
        <translation>終了したジョブの出力ファイルとコンソールを借り手のために保持する日数（既定 %1、0 = 無期限）。</translation>
    </message>
    <message>
        <source>--advertise: %1</source>
        <translation>--advertise: %1</translation>
    </message>
    <message>
        <source>Seconds a borrower&apos;s or owner&apos;s connection may stay silent before the agent closes it, 30 to 86400, or 0 for never (default 300).</source>
        <translation>借り手または所有者の接続が無通信のままでいられる秒数。これを過ぎるとエージェントが接続を閉じます。30 から 86400、0 なら閉じません（既定 300）。</translation>
    </message>
</context>
</TS>
