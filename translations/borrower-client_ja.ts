<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
<context>
    <name>BorrowerCli</name>
    <message>
        <source>cannot read the %1 %2: %3</source>
        <translation>%1 %2 を読み込めません: %3</translation>
    </message>
    <message>
        <source>the %1 %2 is %3 bytes; at most %4 bytes go with a job</source>
        <translation>%1 %2 は %3 バイトです。ジョブに添付できるのは最大 %4 バイトです</translation>
    </message>
    <message>
        <source>Contract %1: partition %2 of lender %3 at %4, %5 per hour, started %6.
The lending key is kept in %7.
</source>
        <translation>契約 %1: 貸し手 %3 のパーティション %2 (%4)、1 時間あたり %5、開始 %6。
貸出キーは %7 に保存されています。
</translation>
    </message>
    <message>
        <source>Key: %1
</source>
        <translation>キー: %1
</translation>
    </message>
    <message>
        <source>the key file %1 is for contract %2, not %3</source>
        <translation>キーファイル %1 は契約 %2 のもので、%3 のものではありません</translation>
    </message>
    <message>
        <source>script</source>
        <translation>スクリプト</translation>
    </message>
    <message>
        <source>input file</source>
        <translation>入力ファイル</translation>
    </message>
    <message>
        <source>two input files are named %1; they would overwrite each other in /job/in</source>
        <translation>2 つの入力ファイルの名前が %1 です。/job/in で互いに上書きしてしまいます</translation>
    </message>
    <message>
        <source>Job %1 submitted; follow it with `borrower-client --cli logs %1 --follow`.
</source>
        <translation>ジョブ %1 を投入しました。`borrower-client --cli logs %1 --follow` で追跡できます。
</translation>
    </message>
    <message>
        <source>job %1 %2%3%4
</source>
        <translation>ジョブ %1 %2%3%4
</translation>
    </message>
    <message>
        <source>, exit code %1</source>
        <translation>、終了コード %1</translation>
    </message>
    <message>
        <source>Job %1 %2%3%4.
</source>
        <translation>ジョブ %1: %2%3%4。
</translation>
    </message>
    <message>
        <source>Job %1 cancelled.
</source>
        <translation>ジョブ %1 をキャンセルしました。
</translation>
    </message>
    <message>
        <source>warning: %1
</source>
        <translation>警告: %1
</translation>
    </message>
    <message>
        <source>Contract %1 ended after %2; charge %3%4.
</source>
        <translation>契約 %1 は %2 で終了しました。料金 %3%4。
</translation>
    </message>
    <message>
        <source> (the receipt does NOT verify)</source>
        <translation> (領収書の検証に失敗しました)</translation>
    </message>
    <message>
        <source> (signed receipt verified)</source>
        <translation> (署名付き領収書を検証済み)</translation>
    </message>
    <message>
        <source>Total: %1
</source>
        <translation>合計: %1
</translation>
    </message>
    <message>
        <source>The receipt for contract %1 is valid: signed by market %2; charge %3.
</source>
        <translation>契約 %1 の領収書は有効です: マーケット %2 の署名、料金 %3。
</translation>
    </message>
    <message>
        <source>%1 (see `borrower-client --cli --help`)</source>
        <translation>%1 (`borrower-client --cli --help` を参照)</translation>
    </message>
    <message>
        <source>--%1 wants a whole number of at least %2, not &apos;%3&apos;</source>
        <translation>--%1 には %2 以上の整数を指定してください (&apos;%3&apos; は不可)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a date; write 2024-05-01 or 2024-05-01T12:00:00Z</source>
        <translation>&apos;%1&apos; は日付ではありません。2024-05-01 または 2024-05-01T12:00:00Z の形式で書いてください</translation>
    </message>
    <message>
        <source>--%1 does not apply to `%2`</source>
        <translation>--%1 は `%2` には使えません</translation>
    </message>
    <message>
        <source>direct mode (--lender, --lender-id, --key-file) works with submit, logs, wait and cancel, not with `%1`</source>
        <translation>直接モード (--lender, --lender-id, --key-file) は submit, logs, wait, cancel で使えますが、`%1` では使えません</translation>
    </message>
    <message>
        <source>direct mode needs --key-file FILE (the file the partition&apos;s owner gave you)</source>
        <translation>直接モードには --key-file FILE (パーティションの所有者から受け取ったファイル) が必要です</translation>
    </message>
    <message>
        <source>`%1` takes one %2, got: %3</source>
        <translation>`%1` には %2 を 1 つ指定します。受け取った値: %3</translation>
    </message>
    <message>
        <source>`%1` needs %2</source>
        <translation>`%1` には %2 が必要です</translation>
    </message>
    <message>
        <source>`%1` takes no arguments, got: %2</source>
        <translation>`%1` は引数を取りません。受け取った値: %2</translation>
    </message>
    <message>
        <source>OFFER_ID</source>
        <translation>OFFER_ID</translation>
    </message>
    <message>
        <source>`borrow` needs either an OFFER_ID or --query &quot;…&quot; (the best match), not both</source>
        <translation>`borrow` には OFFER_ID か --query &quot;…&quot; (最も一致するもの) のどちらか一方が必要です</translation>
    </message>
    <message>
        <source>CONTRACT_ID</source>
        <translation>CONTRACT_ID</translation>
    </message>
    <message>
        <source>`submit` needs --os IMAGE (an image the offer lists, e.g. busybox)</source>
        <translation>`submit` には --os IMAGE (オファーにあるイメージ、例: busybox) が必要です</translation>
    </message>
    <message>
        <source>`submit` needs --script FILE (run by /bin/sh in the guest)</source>
        <translation>`submit` には --script FILE (ゲストの /bin/sh で実行) が必要です</translation>
    </message>
    <message>
        <source>JOB_ID</source>
        <translation>JOB_ID</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>FILE</translation>
    </message>
    <message>
        <source>no offer matches (the market has no free partition that fits)</source>
        <translation>一致するオファーはありません (マーケットに条件に合う空きパーティションがありません)</translation>
    </message>
    <message>
        <source>no offer matches: %1</source>
        <translation>一致するオファーはありません: %1</translation>
    </message>
    <message>
        <source>OFFER</source>
        <translation>オファー</translation>
    </message>
    <message>
        <source>CPUS</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>MEMORY</source>
        <translation>メモリ</translation>
    </message>
    <message>
        <source>DISK</source>
        <translation>ディスク</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>OS</translation>
    </message>
    <message>
        <source>RATE/H</source>
        <translation>単価/時</translation>
    </message>
    <message>
        <source>LENDER</source>
        <translation>貸し手</translation>
    </message>
    <message>
        <source>CONTRACT</source>
        <translation>契約</translation>
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
        <source>CHARGE</source>
        <translation>料金</translation>
    </message>
    <message numerus="yes">
        <source>%1 excluded %n offer(s)</source>
        <translation>
            <numerusform>%1 により %n 件のオファーを除外</numerusform>
        </translation>
    </message>
    <message>
        <source>NAME (in quotes if it has spaces)</source>
        <translation>NAME (空白を含む場合は引用符で囲む)</translation>
    </message>
    <message>
        <source>No name: the market&apos;s managers and the lenders you borrow from see your node ID %1.
</source>
        <translation>名前なし: マーケットの管理者と借りている貸し手にはノード ID %1 が表示されます。
</translation>
    </message>
    <message>
        <source>The market&apos;s managers and the lenders you borrow from see you as &quot;%1&quot;.
</source>
        <translation>マーケットの管理者と借りている貸し手には「%1」と表示されます。
</translation>
    </message>
    <message>
        <source>job %1 did not succeed: it %2
</source>
        <translation>ジョブ %1 は成功しませんでした: %2
</translation>
    </message>
    <message>
        <source>ended %1 with exit code %2</source>
        <translation>%1 で終了 (終了コード %2)</translation>
    </message>
    <message>
        <source>ended %1</source>
        <translation>%1 で終了</translation>
    </message>
    <message>
        <source>no contracts are kept in %1 (is --data right?)</source>
        <translation>%1 には契約が保存されていません (--data は正しいですか?)</translation>
    </message>
    <message>
        <source>no signed receipt is kept for contract %1%2</source>
        <translation>契約 %1 の署名付き領収書は保存されていません%2</translation>
    </message>
    <message>
        <source>: it was lent directly, without a market</source>
        <translation>: マーケットを通さず直接貸し出された契約です</translation>
    </message>
    <message>
        <source>%1 of %2 matching offers shown; %3
</source>
        <translation>条件に合うオファー %2 件のうち %1 件を表示。%3
</translation>
    </message>
    <message>
        <source>--limit N shows more (up to 1000), or narrow the query</source>
        <translation>--limit N でさらに表示できます (最大 1000)。または条件を絞ってください</translation>
    </message>
    <message>
        <source>The start receipt for contract %1 is valid: signed by market %2 when the contract began; it bills nothing (the end receipt carries the charge).
</source>
        <translation>契約 %1 の開始時の領収書は有効です: 契約開始時にマーケット %2 が署名しました。これは請求ではありません (料金は終了時の領収書に記載されます)。
</translation>
    </message>
    <message>
        <source>--limit wants a number of offers from 1 to 1000, not %1</source>
        <translation>--limit にはオファー数として 1 から 1000 を指定してください (%1 ではなく)</translation>
    </message>
    <message>
        <source>`%1` needs %2, not an empty word</source>
        <translation>`%1` には空ではない %2 が必要です</translation>
    </message>
    <message>
        <source>warning: contract %1 ended on %2, but no end receipt is kept here (the market ended it on its own); this is its start receipt, which bills nothing. `receipt fetch %1` gets the end receipt from the market
</source>
        <translation>警告: 契約 %1 は %2 に終了しましたが、終了時の領収書はここに保存されていません (マーケットが自ら終了しました)。これは開始時の領収書で、請求ではありません。`receipt fetch %1` でマーケットから終了時の領収書を取得できます
</translation>
    </message>
    <message>
        <source>write `receipt verify FILE`, `receipt show CONTRACT_ID` or `receipt fetch CONTRACT_ID`</source>
        <translation>`receipt verify FILE`、`receipt show CONTRACT_ID`、`receipt fetch CONTRACT_ID` のいずれかを指定してください</translation>
    </message>
    <message>
        <source>note: contract %1 is still running; this is its start receipt, which bills nothing (the end receipt comes once it ended)
</source>
        <translation>注意: 契約 %1 はまだ実行中です。これは開始時の領収書で、請求ではありません (終了時の領収書は終了後に届きます)
</translation>
    </message>
    <message>
        <source>the market gives at most %1 per request: --offset %1 shows the next ones, or narrow the query</source>
        <translation>マーケットは 1 回のリクエストで最大 %1 件を返します: --offset %1 で次を表示するか、クエリを絞り込んでください</translation>
    </message>
    <message>
        <source>offers %1 to %2 of %3 matching shown%4
</source>
        <translation>該当する %3 件のうち %1 件目から %2 件目を表示%4
</translation>
    </message>
    <message>
        <source>; --offset %1 shows the next ones</source>
        <translation>。--offset %1 で次を表示</translation>
    </message>
    <message>
        <source>--offset wants a number of offers to skip from 0 to %1, not %2</source>
        <translation>--offset にはスキップするオファー数を 0 から %1 で指定してください (%2 ではなく)</translation>
    </message>
    <message numerus="yes">
        <source>%n offer(s) match, fewer than the %1 skipped
</source>
        <translation>
            <numerusform>該当するオファーは %n 件で、スキップした %1 件より少ないです
</numerusform>
        </translation>
    </message>
    <message>
        <source>cannot read which market contract %1 was made with in %2 (--market-id ID names the market to expect): %3</source>
        <translation>契約 %1 がどのマーケットと結ばれたかを %2 から読み取れません (--market-id ID で期待するマーケットを指定できます): %3</translation>
    </message>
    <message>
        <source>The market ends it by itself at %1 (time limit %2 s).
</source>
        <translation>マーケットが %1 にこの契約を自動的に終了します (制限時間 %2 秒)。
</translation>
    </message>
    <message>
        <source>Note: job %1 may run for %2 s, but the market ends contract %3 at %4 (its time limit): a job still running then is stopped, and its outputs are lost.
</source>
        <translation>注意: ジョブ %1 は %2 秒まで実行できますが、マーケットは契約 %3 を %4 に終了します (契約の制限時間)。その時点で実行中のジョブは停止され、出力は失われます。
</translation>
    </message>
    <message>
        <source>--max-rate, --min-time-limit and --os go with `borrow OFFER_ID`; with --query, write them in it (rate&lt;=1.5 time&gt;=8h os=busybox)</source>
        <translation>--max-rate、--min-time-limit、--os は `borrow OFFER_ID` と一緒に使います。--query ではクエリに書いてください (rate&lt;=1.5 time&gt;=8h os=busybox)</translation>
    </message>
    <message>
        <source>--max-rate wants a rate per hour such as 1.5, not &apos;%1&apos;</source>
        <translation>--max-rate には 1.5 のような 1 時間あたりの料金を指定してください (&apos;%1&apos; ではなく)</translation>
    </message>
    <message>
        <source>--min-time-limit wants a duration such as 8h, 1:30:00 or 3600 (seconds), or none for offers without a limit; not &apos;%1&apos;</source>
        <translation>--min-time-limit には 8h、1:30:00、3600 (秒) のような時間、または時間制限のないオファーには none を指定してください (&apos;%1&apos; ではなく)</translation>
    </message>
    <message>
        <source>Note: job %1 may run for %2 s, but the lender ends lease %3 at %4 (its time limit): a job still running then is stopped, and its outputs are lost.
</source>
        <translation>注意: ジョブ %1 は %2 秒まで実行できますが、貸し手はリース %3 を %4 に終了します (制限時間)。その時点で実行中のジョブは停止され、出力は失われます。
</translation>
    </message>
    <message>
        <source>note: only the newest %1 contracts are listed (the most the market lists), and the total covers only those; --since DATE lists those started since
</source>
        <translation>注: 一覧は最新の %1 件の契約のみです (マーケットが一覧にする上限)。合計もそれらのみの合計です。--since DATE でその日以降に始まった契約を一覧にします
</translation>
    </message>
    <message>
        <source>the lender agent sent no more of job %1&apos;s console, and not its state, for %2 s; what it sent is printed above. Try again, or `borrower-client --cli logs %1 --follow`</source>
        <translation>貸し手エージェントは %2 秒間、ジョブ %1 のコンソールの続きも状態も送ってきませんでした。送られた分は上に表示されています。もう一度試すか、`borrower-client --cli logs %1 --follow` を使ってください</translation>
    </message>
    <message>
        <source>--request-timeout wants a number of seconds from 1 to %1, not %2</source>
        <translation>--request-timeout には 1 から %1 までの秒数を指定してください（%2 ではなく）</translation>
    </message>
    <message>
        <source>fetching the output files of job %1 (%2 MiB)</source>
        <translation>ジョブ %1 の出力ファイルを取得しています (%2 MiB)</translation>
    </message>
    <message>
        <source>No borrow sent from here waits for its answer.
</source>
        <translation>ここから送信して応答を待っている借用はありません。
</translation>
    </message>
    <message numerus="yes">
        <source>%n borrow(s) not known yet; `recover` asks again</source>
        <translation>
            <numerusform>%n 件の借用はまだ不明です。`recover` で再度問い合わせます</numerusform>
        </translation>
    </message>
    <message>
        <source>Usage: borrower-client --cli [--data DIR] [--market ADDR:PORT --market-id ID] [--json] [--language CODE] COMMAND …

Commands:
  offers [--query Q] [--order rate] [--limit N] [--offset N]
                                                  search offers, e.g. --query &quot;cpus&gt;=1 memory&gt;=256M os=busybox rate&lt;=2&quot;
  borrow OFFER_ID | borrow --query Q [--show-key]  conclude a contract (the key stays in DIR/keys)
    [--max-rate RATE] [--min-time-limit DURATION] [--os IMAGE]
                                                  with OFFER_ID: only if the offer&apos;s terms are still these
                                                  (DURATION: 8h, 1:30:00, 3600; none: without a limit)
  submit CONTRACT_ID --os IMAGE --script FILE [--input FILE …] [--timeout SECONDS]
  logs JOB_ID [--follow]                          console output; --follow streams until the job ends
  wait JOB_ID [--exit-status]                     block until the job ends; fetch its outputs;
                                                  --exit-status: exit 3 unless the job succeeded
  cancel JOB_ID                                   stop a job
  end CONTRACT_ID                                 end a contract and get the signed bill
  bills [--since DATE]                            your contracts with their charges
  recover                                         ask the market what borrows whose answer was lost made, and
                                                  take their contracts (it makes none); `borrow` does so first
  receipt verify FILE                             check a receipt (JSON, as `end --json` prints) offline; FILE - reads
                                                  standard input; exit 0: valid, 1: not valid or not a receipt
  receipt show CONTRACT_ID                        the signed receipt kept here for a contract, as JSON
  receipt fetch CONTRACT_ID                       the contract&apos;s receipt, signed by the market now, kept here too
  name [NAME]                                     the name the market&apos;s managers and your lenders see for you; name &quot;&quot; forgets it

Direct mode (a partition lent without a market): --key-file FILE [--lender ADDR:PORT --lender-id ID]
with submit, logs, wait and cancel.
The market used is remembered in the data directory; so are each contract&apos;s lender and key.
--request-timeout SECONDS (default 30) is how long each request waits for its answer; `logs` without --follow
also stops when the lender sends nothing for that long.
--language CODE (de, en, ja) chooses the language of messages; what --json prints stays the same.
</source>
        <translation>使い方: borrower-client --cli [--data DIR] [--market ADDR:PORT --market-id ID] [--json] [--request-timeout SECONDS（既定 30）は各リクエストが応答を待つ時間です。--follow なしの `logs` は、
貸し手がその間何も送らないときにも終了します。
--language CODE] COMMAND …

コマンド:
  offers [--query Q] [--order rate] [--limit N] [--offset N]
                                                  オファーを検索、例: --query &quot;cpus&gt;=1 memory&gt;=256M os=busybox rate&lt;=2&quot;
  borrow OFFER_ID | borrow --query Q [--show-key]  契約を結ぶ (キーは DIR/keys に保存)
    [--max-rate RATE] [--min-time-limit DURATION] [--os IMAGE]
                                                  OFFER_ID と一緒に: オファーの条件がまだこのとおりのときだけ
                                                  (DURATION: 8h, 1:30:00, 3600; none: 時間制限なし)
  submit CONTRACT_ID --os IMAGE --script FILE [--input FILE …] [--timeout SECONDS]
  logs JOB_ID [--follow]                          コンソール出力。--follow でジョブ終了まで流し続ける
  wait JOB_ID [--exit-status]                     ジョブの終了まで待ち、出力を取得する。
                                                  --exit-status: ジョブが成功しなければ終了コード 3
  cancel JOB_ID                                   ジョブを停止する
  end CONTRACT_ID                                 契約を終了し、署名付きの請求を受け取る
  bills [--since DATE]                            契約とその料金の一覧
  recover                                         応答のなかった借用の結果をマーケットに問い合わせ、その契約を
                                                  引き取る（新たな契約は結ばない）。`borrow` も最初にこれを行う
  receipt verify FILE                             領収書をオフラインで検証する (`end --json` が出力する JSON)。FILE に - で
                                                  標準入力から読む。終了コード 0: 有効、1: 無効または領収書ではない
  receipt show CONTRACT_ID                        ここに保存された契約の署名付き領収書を JSON で表示する
  receipt fetch CONTRACT_ID                       マーケットが今署名した契約の領収書を取得し、ここにも保存する
  name [NAME]                                     マーケットの管理者と貸し手に表示される名前。name &quot;&quot; で消去

直接モード (マーケットを通さず貸し出されたパーティション): --key-file FILE [--lender ADDR:PORT --lender-id ID]
を submit, logs, wait, cancel と一緒に使います。
使用したマーケットはデータディレクトリに記録されます。各契約の貸し手とキーも同様です。
--language CODE (de, en, ja) でメッセージの言語を選びます。--json の出力は変わりません。
</translation>
    </message>
    <message>
        <source>no command given; the commands are offers, borrow, submit, logs, wait, cancel, end, bills, recover, receipt verify, receipt show, receipt fetch and name</source>
        <translation>コマンドが指定されていません。コマンドは offers、borrow、submit、logs、wait、cancel、end、bills、recover、receipt verify、receipt show、receipt fetch、name です</translation>
    </message>
    <message>
        <source>unknown command &apos;%1&apos;; the commands are offers, borrow, submit, logs, wait, cancel, end, bills, recover, receipt verify, receipt show, receipt fetch and name</source>
        <translation>不明なコマンド &apos;%1&apos;。コマンドは offers、borrow、submit、logs、wait、cancel、end、bills、recover、receipt verify、receipt show、receipt fetch、name です</translation>
    </message>
</context>
<context>
    <name>BorrowerStore</name>
    <message>
        <source>no contract %1 in %2; `borrower-client --cli bills` lists your contracts, and a contract made with another --data directory is only known there</source>
        <translation>%2 に契約 %1 はありません。`borrower-client --cli bills` で契約を一覧できます。別の --data ディレクトリで結んだ契約はそこでしか分かりません</translation>
    </message>
    <message>
        <source>no job %1 was submitted from %2; check the job ID that `submit` printed and use the same --data directory</source>
        <translation>%2 からジョブ %1 は投入されていません。`submit` が表示したジョブ ID を確認し、同じ --data ディレクトリを使ってください</translation>
    </message>
    <message>
        <source>no lending key for contract %1 is kept in %2 (the contract ended, or it was made with another --data directory)</source>
        <translation>%2 に契約 %1 の貸出キーはありません (契約が終了したか、別の --data ディレクトリで結ばれました)</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>--data needs a directory; it was given empty</source>
        <translation>--data にはディレクトリが必要です。空の値が指定されました</translation>
    </message>
</context>
<context>
    <name>JobState</name>
    <message>
        <source>queued</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>preparing</source>
        <translation>準備中</translation>
    </message>
    <message>
        <source>booting</source>
        <translation>起動中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>キャンセル済み</translation>
    </message>
    <message>
        <source>timed_out</source>
        <translation>タイムアウト</translation>
    </message>
    <message>
        <source>error</source>
        <translation>エラー</translation>
    </message>
</context>
<context>
    <name>KeyFile</name>
    <message>
        <source>%1 is not a key file (a JSON object with contract_id, partition_id and key): %2</source>
        <translation>%1 はキーファイルではありません (contract_id, partition_id, key を持つ JSON オブジェクトが必要): %2</translation>
    </message>
    <message>
        <source>not an object</source>
        <translation>オブジェクトではありません</translation>
    </message>
    <message>
        <source>%1 lacks one of contract_id, partition_id or key</source>
        <translation>%1 には contract_id, partition_id, key のいずれかがありません</translation>
    </message>
    <message>
        <source>the key in %1 is neither base64 nor 64 hex digits</source>
        <translation>%1 のキーは Base64 でも 16 進数 64 桁でもありません</translation>
    </message>
    <message>
        <source>cannot read the key file %1: %2</source>
        <translation>キーファイル %1 を読み込めません: %2</translation>
    </message>
    <message>
        <source>%1 is too large to be a key file</source>
        <translation>%1 はキーファイルにしては大きすぎます</translation>
    </message>
    <message>
        <source>cannot write the key file %1: %2</source>
        <translation>キーファイル %1 に書き込めません: %2</translation>
    </message>
    <message>
        <source>cannot make %1 private (mode 0600)</source>
        <translation>%1 を非公開 (モード 0600) にできません</translation>
    </message>
    <message>
        <source>the key in %1 is too short to be a lending key (%2 of 32 bytes)</source>
        <translation>%1 のキーは貸出キーとしては短すぎます (%2 / 32 バイト)</translation>
    </message>
    <message>
        <source>%1 in %2 is not a whole number of %3</source>
        <translation>%2 の %1 は整数の%3ではありません</translation>
    </message>
    <message>
        <source>milliseconds</source>
        <translation>ミリ秒</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
</context>
<context>
    <name>OfferText</name>
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
        <source>%1 vCPU · %2 memory · %3 disk · %4 per hour · images: %5</source>
        <translation>%1 vCPU · メモリ %2 · ディスク %3 · 1 時間あたり %4 · イメージ: %5</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::BillsPage</name>
    <message>
        <source>Contract</source>
        <translation>契約</translation>
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
        <source>Contracts</source>
        <translation>契約</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Verify receipt…</source>
        <translation>領収書を検証…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV をエクスポート…</translation>
    </message>
    <message>
        <source>Verify receipt</source>
        <translation>領収書を検証</translation>
    </message>
    <message>
        <source>Receipts (*.json)</source>
        <translation>領収書 (*.json)</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>領収書</translation>
    </message>
    <message>
        <source>The receipt is NOT valid: %1</source>
        <translation>領収書は無効です: %1</translation>
    </message>
    <message>
        <source>Export bills</source>
        <translation>請求をエクスポート</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV ファイル (*.csv)</translation>
    </message>
    <message>
        <source>running</source>
        <translation>実行中</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 に書き込めません: %2</translation>
    </message>
    <message>
        <source>Save receipt…</source>
        <translation>領収書を保存…</translation>
    </message>
    <message>
        <source>Save receipt</source>
        <translation>領収書を保存</translation>
    </message>
    <message>
        <source>not kept here</source>
        <translation>ここには未保存</translation>
    </message>
    <message>
        <source>NOT valid</source>
        <translation>無効</translation>
    </message>
    <message>
        <source>start only</source>
        <translation>開始のみ</translation>
    </message>
    <message>
        <source>The signed receipt says %1, the market&apos;s bill %2.</source>
        <translation>署名付き領収書は %1、マーケットの請求は %2 です。</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>検証済み</translation>
    </message>
    <message>
        <source>start verified</source>
        <translation>開始を検証済み</translation>
    </message>
    <message>
        <source>Signed by market %1; checked on this computer.</source>
        <translation>マーケット %1 の署名。このコンピューターで検証しました。</translation>
    </message>
    <message>
        <source>no signed receipt is kept here for contract %1</source>
        <translation>契約 %1 の署名付き領収書はここに保存されていません</translation>
    </message>
    <message>
        <source>Save the signed receipt of the selected contract, to keep or to check with `borrower-client --cli receipt verify FILE`; one not kept here is asked of the market</source>
        <translation>選択した契約の署名付き領収書を保存します (保管用、または `borrower-client --cli receipt verify FILE` での検証用)。ここに保存されていないものはマーケットに要求します</translation>
    </message>
    <message>
        <source>The receipt for contract %1 is valid: signed by market %2 (this market); charge %3.</source>
        <translation>契約 %1 の領収書は有効です: マーケット %2 (このマーケット) の署名、料金 %3。</translation>
    </message>
    <message>
        <source>The start receipt for contract %1 is valid: signed by market %2 (this market) when the contract began. It bills nothing: the end receipt carries the charge.</source>
        <translation>契約 %1 の開始時の領収書は有効です: 契約開始時にマーケット %2 (このマーケット) が署名しました。これは請求ではありません。料金は終了時の領収書に記載されます。</translation>
    </message>
    <message>
        <source>This data directory has no receipt for the contract (it was made from another one). Save receipt… asks the market for it.</source>
        <translation>このデータディレクトリにはこの契約の領収書がありません (別のディレクトリから契約されました)。「領収書を保存…」でマーケットに要求します。</translation>
    </message>
    <message>
        <source>The receipt kept is the one for the contract&apos;s start: it ended elsewhere, or its end receipt never arrived. Save receipt… asks the market for the end receipt.</source>
        <translation>保存されているのは契約開始時の領収書です: 別の場所で終了したか、終了時の領収書が届きませんでした。「領収書を保存…」でマーケットに終了時の領収書を要求します。</translation>
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
        <source>Month (UTC)</source>
        <translation>月 (UTC)</translation>
    </message>
    <message>
        <source>As the market invoices: each contract in the month it ended in (UTC), whole</source>
        <translation>マーケットの請求と同じく、各契約は終了した月 (UTC) にまとめて計上されます</translation>
    </message>
    <message>
        <source>Totals per month, by the month a contract ended in</source>
        <translation>月ごとの合計 (契約が終了した月で集計)</translation>
    </message>
    <message>
        <source>running (so far)</source>
        <translation>実行中 (現時点まで)</translation>
    </message>
    <message>
        <source>Running: double-click to open its tab</source>
        <translation>実行中: ダブルクリックでタブを開きます</translation>
    </message>
    <message>
        <source>Only the newest %1 contracts are listed (the most the market lists), and the totals per month cover only those: older contracts and their charges are missing here.</source>
        <translation>一覧は最新の %1 件の契約のみです (マーケットが一覧にする上限)。月ごとの合計もそれらのみの合計で、それより古い契約とその料金はここにありません。</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::BorrowerSession</name>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 に書き込めません: %2</translation>
    </message>
    <message>
        <source>market</source>
        <translation>マーケット</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a market ID (64 hex characters, as `market-manager --print-id` prints)</source>
        <translation>&apos;%1&apos; はマーケット ID ではありません (`market-manager --print-id` が表示する 16 進数 64 文字)</translation>
    </message>
    <message>
        <source>no market is configured; pass --market ADDR:PORT and --market-id ID (the market&apos;s operator gets the ID with `market-manager --print-id`)</source>
        <translation>マーケットが設定されていません。--market ADDR:PORT と --market-id ID を指定してください (マーケットの運営者は `market-manager --print-id` で ID を確認できます)</translation>
    </message>
    <message>
        <source>is the market running there? check --market and --market-id</source>
        <translation>そこでマーケットは動いていますか? --market と --market-id を確認してください</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a lender ID (64 hex characters)</source>
        <translation>&apos;%1&apos; は貸し手 ID ではありません (16 進数 64 文字)</translation>
    </message>
    <message>
        <source>the lender agent may be offline; ask the partition&apos;s owner to start it</source>
        <translation>貸し手エージェントがオフラインかもしれません。パーティションの所有者に起動を依頼してください</translation>
    </message>
    <message>
        <source>the lender may be offline — end the contract with `borrower-client --cli end %1`</source>
        <translation>貸し手がオフラインかもしれません — `borrower-client --cli end %1` で契約を終了してください</translation>
    </message>
    <message>
        <source>lender agent</source>
        <translation>貸し手エージェント</translation>
    </message>
    <message>
        <source>direct mode needs the lender agent&apos;s address: --lender ADDR:PORT</source>
        <translation>直接モードには貸し手エージェントのアドレスが必要です: --lender ADDR:PORT</translation>
    </message>
    <message>
        <source>direct mode needs the lender agent&apos;s ID (64 hex characters): --lender-id ID, printed by `lender-console --print-id` on the lender&apos;s machine</source>
        <translation>直接モードには貸し手エージェントの ID (16 進数 64 文字) が必要です: --lender-id ID (貸し手のマシンで `lender-console --print-id` が表示します)</translation>
    </message>
    <message>
        <source>contract %1 was granted but its key could not be kept (%2); end it with `borrower-client --cli end %1` and fix the data directory</source>
        <translation>契約 %1 は成立しましたが、キーを保存できませんでした (%2)。`borrower-client --cli end %1` で終了し、データディレクトリを修復してください</translation>
    </message>
    <message>
        <source>contract %1 was lent directly by the partition&apos;s owner, without a market; ask the owner to end it</source>
        <translation>契約 %1 はマーケットを通さずパーティションの所有者が直接貸し出したものです。所有者に終了を依頼してください</translation>
    </message>
    <message>
        <source>contract %1 is not known in %2, and the market could not end it: %3</source>
        <translation>契約 %1 は %2 にありません。マーケットも終了できませんでした: %3</translation>
    </message>
    <message>
        <source>contract %1 ended on %2; borrow a partition again with `borrower-client --cli borrow`</source>
        <translation>契約 %1 は %2 に終了しました。`borrower-client --cli borrow` でもう一度パーティションを借りてください</translation>
    </message>
    <message>
        <source>the script and inputs add up to %1 bytes; at most %2 bytes go with a job</source>
        <translation>スクリプトと入力の合計は %1 バイトです。ジョブに添付できるのは最大 %2 バイトです</translation>
    </message>
    <message>
        <source>choose the OS image to boot with --os (the offer lists them: %1)</source>
        <translation>起動する OS イメージを --os で選んでください (オファーにあるもの: %1)</translation>
    </message>
    <message>
        <source>job %1 was accepted but could not be recorded: %2</source>
        <translation>ジョブ %1 は受け付けられましたが、記録できませんでした: %2</translation>
    </message>
    <message>
        <source>the receipt for contract %1 could not be kept: %2</source>
        <translation>契約 %1 の領収書を保存できませんでした: %2</translation>
    </message>
    <message>
        <source>the market sent a receipt for another borrower&apos;s contract %1</source>
        <translation>マーケットが別の借り手の契約 %1 の領収書を送りました</translation>
    </message>
    <message>
        <source>is the market the contract was made with still running there?</source>
        <translation>契約を結んだマーケットはまだそこで動いていますか?</translation>
    </message>
    <message>
        <source>contract %1 was granted and its key kept, but the contract could not be recorded (%2); end it with `borrower-client --cli end %1` and fix the data directory</source>
        <translation>契約 %1 は成立しキーも保存されましたが、契約を記録できませんでした (%2)。`borrower-client --cli end %1` で終了し、データディレクトリを直してください</translation>
    </message>
    <message>
        <source>contract %1 was ended at the market (charge %2), but its end and receipt could not be kept in %3 (%4); `borrower-client --cli receipt fetch %1` gets the receipt again.</source>
        <translation>契約 %1 はマーケットで終了しました (料金 %2) が、その終了と領収書を %3 に保存できませんでした (%4)。`borrower-client --cli receipt fetch %1` で領収書を再取得できます。</translation>
    </message>
    <message>
        <source>output &quot;%1&quot; was not kept: its name is not a plain file name</source>
        <translation>出力「%1」は保存されませんでした: 名前が単純なファイル名ではありません</translation>
    </message>
    <message>
        <source>the output files of job %1 add up to more than %2 MiB, the most a lender sends with a job&apos;s result, so they were not fetched (%3). They stay in the job&apos;s directory on the lender&apos;s machine while it keeps the job&apos;s results: ask the lender for them, and have jobs leave smaller outputs (compressed, or fewer). `borrower-client --cli logs %1` prints the console.</source>
        <translation>ジョブ %1 の出力ファイルは合計 %2 MiB を超えています。これは貸し手がジョブの結果として送る上限なので、取得されませんでした (%3)。貸し手がジョブの結果を保管している間は、貸し手のマシンのジョブのディレクトリに残っています。貸し手に依頼し、ジョブが残す出力を小さく (圧縮する、または減らす) してください。`borrower-client --cli logs %1` でコンソールを表示できます。</translation>
    </message>
    <message>
        <source>the console of job %1 in %2 is cut at %3 bytes, as the lender sends it with the result; `borrower-client --cli logs %1` prints all of it</source>
        <translation>%2 にあるジョブ %1 のコンソールは、貸し手が結果と一緒に送るとおり %3 バイトで切れています。`borrower-client --cli logs %1` ですべて表示できます</translation>
    </message>
    <message>
        <source>the console of job %1 in %2 is cut at %3 bytes, as the lender sends it with the result, and the rest could not be fetched (%4); `borrower-client --cli logs %1` prints all of it</source>
        <translation>%2 にあるジョブ %1 のコンソールは、貸し手が結果と一緒に送るとおり %3 バイトで切れており、残りを取得できませんでした (%4)。`borrower-client --cli logs %1` ですべて表示できます</translation>
    </message>
    <message>
        <source>the console of job %1 in %2 is cut at %3 bytes: the rest could not be fetched (%4); `borrower-client --cli logs %1` prints all of it</source>
        <translation>%2 にあるジョブ %1 のコンソールは %3 バイトで切れています。残りを取得できませんでした (%4)。`borrower-client --cli logs %1` ですべて表示できます</translation>
    </message>
    <message>
        <source>no answer from the market at %1 to the borrow (%2). It may have made the contract all the same, without your getting its key: before you borrow again, look for a running contract that is not yours here (`borrower-client --cli bills`) and end it (`borrower-client --cli end CONTRACT_ID`)</source>
        <translation>%1 のマーケットから借用への応答がありません（%2）。キーを受け取らないまま契約が成立している可能性があります。もう一度借りる前に、ここにない実行中の契約を探し（`borrower-client --cli bills`）、終了してください（`borrower-client --cli end CONTRACT_ID`）</translation>
    </message>
    <message>
        <source>no connection to the lender of job %1</source>
        <translation>ジョブ %1 の貸し手への接続がありません</translation>
    </message>
    <message>
        <source>the market at %1 is no longer used: another market was chosen</source>
        <translation>%1 のマーケットはもう使われません: 別のマーケットが選ばれました</translation>
    </message>
    <message>
        <source>output &quot;%1&quot; was not fetched: cannot write %2: %3</source>
        <translation>出力「%1」は取得されませんでした: %2 に書き込めません: %3</translation>
    </message>
    <message>
        <source>output &quot;%1&quot; was not fetched: %2</source>
        <translation>出力「%1」は取得されませんでした: %2</translation>
    </message>
    <message>
        <source>output &quot;%1&quot; was not fetched: it changed on the lender&apos;s machine while it was fetched</source>
        <translation>出力「%1」は取得されませんでした: 取得中に貸し手のマシン上で変更されました</translation>
    </message>
    <message>
        <source>contract %1 was ended at the market (charge %2), but its record in %3 could not be updated (%4): it still says the contract runs. Once the data directory can be written, `borrower-client --cli receipt fetch %1` updates it.</source>
        <translation>契約 %1 はマーケットで終了しました (料金 %2) が、%3 の記録を更新できませんでした (%4)。記録ではまだ実行中です。データディレクトリに書き込めるようになったら、`borrower-client --cli receipt fetch %1` が更新します。</translation>
    </message>
    <message>
        <source>output &quot;%1&quot; was not fetched: it has %2 and %3 has %4 free</source>
        <translation>出力「%1」は取得されませんでした: サイズは %2 ですが、%3 の空きは %4 です</translation>
    </message>
    <message>
        <source>the borrow was not sent: it could not be noted in %1 first (%2)</source>
        <translation>借用は送信されませんでした: 送信前に %1 へ記録できませんでした（%2）</translation>
    </message>
    <message>
        <source>The borrow of the best match of &quot;%1&quot;, sent %2 and not answered,</source>
        <translation>「%1」に最も合う提供の借用（%2 に送信、応答なし）は、</translation>
    </message>
    <message>
        <source>The borrow of offer %1, sent %2 and not answered,</source>
        <translation>提供 %1 の借用（%2 に送信、応答なし）は、</translation>
    </message>
    <message>
        <source>%1 made contract %2: it is kept here now, with a new lending key.</source>
        <translation>%1契約 %2 を結んでいました。新しい貸出キーとともに、ここに保存しました。</translation>
    </message>
    <message>
        <source>%1 made contract %2, which has ended since (charge %3): it is kept here with its end receipt.</source>
        <translation>%1契約 %2 を結んでいましたが、その後終了しています（料金 %3）。終了の領収書とともに、ここに保存しました。</translation>
    </message>
    <message>
        <source>%1 made no contract.</source>
        <translation>%1契約を結んでいません。</translation>
    </message>
    <message>
        <source>%1 may have made a contract; not known yet: %2.</source>
        <translation>%1契約を結んだ可能性があります。まだ分かりません: %2。</translation>
    </message>
    <message>
        <source>it went to the market %1 at %2, not to the one in use: only that market can say (--market %2 --market-id %1)</source>
        <translation>使用中ではないマーケット %1（%2）に送られました。答えられるのはそのマーケットだけです（--market %2 --market-id %1）</translation>
    </message>
    <message>
        <source>the market cannot say what a borrow made (an older version): look for a running contract that is not yours here (`borrower-client --cli bills`), and end it (`borrower-client --cli end CONTRACT_ID`)</source>
        <translation>マーケットは借用の結果を答えられません（古いバージョン）。ここにない実行中の契約を探し（`borrower-client --cli bills`）、終了してください（`borrower-client --cli end CONTRACT_ID`）</translation>
    </message>
    <message>
        <source>it was sent %1 s ago, and the market may still make its contract; it can tell in a minute</source>
        <translation>%1 秒前に送信されたばかりで、マーケットがまだ契約を結ぶ可能性があります。1 分後には分かります</translation>
    </message>
    <message>
        <source>the market answered with %1 bills for one borrow</source>
        <translation>マーケットは 1 件の借用に対して %1 件の請求を返しました</translation>
    </message>
    <message>
        <source>the market in use changed</source>
        <translation>使用中のマーケットが変わりました</translation>
    </message>
    <message>
        <source>the market answered with contract %1, not %2</source>
        <translation>マーケットは %2 ではなく契約 %1 を返しました</translation>
    </message>
    <message>
        <source>no answer from the market at %1 to the borrow (%2). It may have made the contract all the same, without your getting its key. The borrow is noted here: `borrower-client --cli recover` asks the market what it made and takes the contract if there is one, and the same borrow again makes no second contract</source>
        <translation>%1 のマーケットから借用への応答がありません（%2）。キーを受け取らないまま契約が成立している可能性があります。この借用はここに記録されています: `borrower-client --cli recover` がマーケットに結果を問い合わせ、契約があれば引き取ります。同じ借用をもう一度行っても 2 件目の契約はできません</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::BorrowerWindow</name>
    <message>
        <source>Lendable Borrower Client</source>
        <translation>Lendable 借り手クライアント</translation>
    </message>
    <message>
        <source>Offers</source>
        <translation>オファー</translation>
    </message>
    <message>
        <source>Bills</source>
        <translation>請求</translation>
    </message>
    <message>
        <source>Market %1 at %2 · this node %3</source>
        <translation>マーケット %1 (%2) · このノード %3</translation>
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
        <source>Borrow partitions of real computers and run jobs in them.</source>
        <translation>実在のコンピューターのパーティションを借りて、ジョブを実行します。</translation>
    </message>
    <message>
        <source>Borrow partition</source>
        <translation>パーティションを借りる</translation>
    </message>
    <message>
        <source>Borrow partition %1 of lender %2?</source>
        <translation>貸し手 %2 のパーティション %1 を借りますか?</translation>
    </message>
    <message>
        <source>%1

You are charged from now until you end the contract, by the second.</source>
        <translation>%1

今から契約を終了するまで、秒単位で料金が発生します。</translation>
    </message>
    <message>
        <source>Borrow</source>
        <translation>借りる</translation>
    </message>
    <message>
        <source>Your &amp;name at the market…</source>
        <translation>マーケットでの名前(&amp;N)…</translation>
    </message>
    <message>
        <source>Your name at the market</source>
        <translation>マーケットでの名前</translation>
    </message>
    <message>
        <source>%1 · known there as &quot;%2&quot;</source>
        <translation>%1 · 表示名「%2」</translation>
    </message>
    <message>
        <source>The market&apos;s managers see this name on your contracts and invoices,
and lenders on the partitions you borrow, instead of your node ID
(empty: the node ID again).</source>
        <translation>マーケットの管理者には契約と請求書に、貸し手には借りているパーティションに、
ノード ID の代わりにこの名前が表示されます (空欄: ノード ID に戻ります)。</translation>
    </message>
    <message>
        <source>%1 · since %2</source>
        <translation>%1 · %2 から</translation>
    </message>
    <message>
        <source>Contract %1 with lender %2</source>
        <translation>貸し手 %2 との契約 %1</translation>
    </message>
    <message>
        <source>Nothing was borrowed: %1. The list now shows the new terms; borrow the offer again to accept them.</source>
        <translation>何も借りていません: %1。一覧には新しい条件が表示されています。その条件でよければ、もう一度借りてください。</translation>
    </message>
    <message>
        <source>The contract ends by itself after %1 (h:mm:ss).</source>
        <translation>契約は %1 (h:mm:ss) 後に自動的に終了します。</translation>
    </message>
    <message numerus="yes">
        <source>%1. Trying again in %n s; what you asked for is done once the market answers.</source>
        <translation>
            <numerusform>%1。%n 秒後に再試行します。依頼した操作はマーケットが応答しだい行われます。</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Open running contracts</source>
        <translation>実行中の契約を開く(&amp;O)</translation>
    </message>
    <message>
        <source>Contract %1, lent to you directly, runs until the partition&apos;s owner ends it; File › Open running contracts opens its tab again.</source>
        <translation>直接貸し出された契約 %1 は、パーティションの所有者が終了するまで続きます。ファイル › 実行中の契約を開く でタブがまた開きます。</translation>
    </message>
    <message>
        <source>Contract %1 keeps running, and is billed, until you end it; double-click it on the Bills page (or File › Open running contracts) to open its tab again.</source>
        <translation>契約 %1 は終了するまで実行され、課金が続きます。請求ページでダブルクリックする (または ファイル › 実行中の契約を開く) とタブがまた開きます。</translation>
    </message>
    <message>
        <source>&amp;Market…</source>
        <translation>マーケット(&amp;M)…</translation>
    </message>
    <message>
        <source>is the market running there? File › Market… changes its address and ID</source>
        <translation>マーケットはそこで動いていますか? ファイル › マーケット… でアドレスと ID を変更できます</translation>
    </message>
    <message>
        <source>No answer from the market to the borrow (%1). Asking again (%2 of %3); the market makes one contract however often it is asked.</source>
        <translation>借用に対するマーケットの応答がありません (%1)。再度問い合わせています (%2 / %3)。何度問い合わせても、マーケットが結ぶ契約は 1 件だけです。</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::ContractPage</name>
    <message>
        <source>&amp;Submit job</source>
        <translation>ジョブを投入(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Cancel job</source>
        <translation>ジョブをキャンセル(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;End contract</source>
        <translation>契約を終了(&amp;E)</translation>
    </message>
    <message>
        <source>No job yet</source>
        <translation>ジョブはまだありません</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>&lt;b&gt;Contract %1&lt;/b&gt; with lender %2 — partition %3&lt;br&gt;%4&lt;br&gt;Started %5</source>
        <translation>&lt;b&gt;契約 %1&lt;/b&gt; 貸し手 %2 — パーティション %3&lt;br&gt;%4&lt;br&gt;開始 %5</translation>
    </message>
    <message>
        <source>rate %1 per hour</source>
        <translation>1 時間あたり %1</translation>
    </message>
    <message>
        <source>New job</source>
        <translation>新しいジョブ</translation>
    </message>
    <message>
        <source>OS image</source>
        <translation>OS イメージ</translation>
    </message>
    <message>
        <source>Load script…</source>
        <translation>スクリプトを読み込む…</translation>
    </message>
    <message>
        <source>Script</source>
        <translation>スクリプト</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>追加…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Input files</source>
        <translation>入力ファイル</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>制限時間</translation>
    </message>
    <message>
        <source>Job history</source>
        <translation>ジョブ履歴</translation>
    </message>
    <message>
        <source>Load job script</source>
        <translation>ジョブスクリプトを読み込む</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>%1 を読み込めません: %2</translation>
    </message>
    <message>
        <source>Add input files</source>
        <translation>入力ファイルを追加</translation>
    </message>
    <message>
        <source>Job %1: %2</source>
        <translation>ジョブ %1: %2</translation>
    </message>
    <message>
        <source> (exit code %1)</source>
        <translation> (終了コード %1)</translation>
    </message>
    <message>
        <source>    outputs: %1</source>
        <translation>    出力: %1</translation>
    </message>
    <message>
        <source>downloading image %p%</source>
        <translation>イメージをダウンロード中 %p%</translation>
    </message>
    <message>
        <source>booting</source>
        <translation>起動中</translation>
    </message>
    <message>
        <source>collecting outputs</source>
        <translation>出力を収集中</translation>
    </message>
    <message>
        <source>Last job %1: %2</source>
        <translation>最後のジョブ %1: %2</translation>
    </message>
    <message>
        <source>Ended %1 · charge %2</source>
        <translation>終了 %1 · 料金 %2</translation>
    </message>
    <message>
        <source>cannot read input %1: %2</source>
        <translation>入力 %1 を読み込めません: %2</translation>
    </message>
    <message>
        <source>Submitting…</source>
        <translation>投入中…</translation>
    </message>
    <message>
        <source>Submission refused</source>
        <translation>投入が拒否されました</translation>
    </message>
    <message>
        <source>Job %1: queued</source>
        <translation>ジョブ %1: 待機中</translation>
    </message>
    <message>
        <source>Contract ended after %1 · charge %2 · receipt %3</source>
        <translation>契約は %1 で終了 · 料金 %2 · 領収書 %3</translation>
    </message>
    <message>
        <source>NOT verified: %1</source>
        <translation>未検証: %1</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>検証済み</translation>
    </message>
    <message>
        <source>End contract</source>
        <translation>契約を終了</translation>
    </message>
    <message>
        <source>End contract %1 for partition %2?</source>
        <translation>パーティション %2 の契約 %1 を終了しますか?</translation>
    </message>
    <message>
        <source>The charge so far is %1 (%2 at %3 per hour); the market bills until the moment it ends the contract.</source>
        <translation>ここまでの料金は %1 です (%2、1 時間あたり %3)。マーケットは契約を終了する時点まで課金します。</translation>
    </message>
    <message>
        <source>Job %1 is still running: the lender stops it, and its outputs are lost.</source>
        <translation>ジョブ %1 はまだ実行中です。貸し手が停止し、その出力は失われます。</translation>
    </message>
    <message>
        <source>The partition goes back to its lender; the lending key stops working.</source>
        <translation>パーティションは貸し手に戻り、貸出キーは使えなくなります。</translation>
    </message>
    <message>
        <source>The partition&apos;s owner lent it to you directly, without a market: ask the owner to end the lease.</source>
        <translation>このパーティションは所有者がマーケットを通さず直接貸し出したものです。終了は所有者に依頼してください。</translation>
    </message>
    <message>
        <source>The market ended this contract on %1 (its lender could no longer lend the partition, or its time ran out) · charge %2 · no end receipt</source>
        <translation>マーケットがこの契約を %1 に終了しました (貸し手がパーティションを貸せなくなったか、期限が来ました) · 料金 %2 · 終了時の領収書なし</translation>
    </message>
    <message>
        <source>The market ends it by itself at %1 (time limit %2, h:mm:ss).</source>
        <translation>マーケットが %1 にこの契約を自動的に終了します (制限時間 %2、h:mm:ss)。</translation>
    </message>
    <message>
        <source>Job %1 may run for %2, but the market ends this contract at %3 (its time limit): a job still running then is stopped, and its outputs are lost.</source>
        <translation>ジョブ %1 は %2 まで実行できますが、マーケットはこの契約を %3 に終了します (契約の制限時間)。その時点で実行中のジョブは停止され、出力は失われます。</translation>
    </message>
    <message>
        <source>The lender ends it by itself at %1 (time limit %2, h:mm:ss).</source>
        <translation>貸し手が %1 にこの契約を自動的に終了します (制限時間 %2、h:mm:ss)。</translation>
    </message>
    <message>
        <source>Job %1 may run for %2, but the lender ends this lease at %3 (its time limit): a job still running then is stopped, and its outputs are lost.</source>
        <translation>ジョブ %1 は %2 まで実行できますが、貸し手はこのリースを %3 に終了します (制限時間)。その時点で実行中のジョブは停止され、出力は失われます。</translation>
    </message>
    <message>
        <source>The lease reached its time limit (%1, h:mm:ss) at %2: the lender ends it, and stops a job still running. No more jobs can be submitted.</source>
        <translation>貸与は %2 に制限時間 (%1、h:mm:ss) に達しました。貸し手が貸与を終了し、実行中のジョブを停止します。これ以上ジョブを送信できません。</translation>
    </message>
    <message>
        <source>The contract reached its time limit (%1, h:mm:ss) at %2: the market ends it, and the lender stops a job still running. No more jobs can be submitted.</source>
        <translation>契約は %2 に制限時間 (%1、h:mm:ss) に達しました。マーケットが契約を終了し、貸し手が実行中のジョブを停止します。これ以上ジョブを送信できません。</translation>
    </message>
    <message>
        <source>Two input files are named %1: they would overwrite each other in /job/in. Rename one of them, or remove it from the list.</source>
        <translation>2 つの入力ファイルの名前が %1 です。/job/in で互いに上書きされます。どちらかの名前を変えるか、一覧から削除してください。</translation>
    </message>
    <message>
        <source>Cannot send input %1: it is not a file (or no longer there).</source>
        <translation>入力 %1 を送信できません: ファイルではありません (またはもう存在しません)。</translation>
    </message>
    <message>
        <source>Input %1 is %2; at most %3 go with a job, script and inputs together.</source>
        <translation>入力 %1 は %2 です。ジョブと一緒に送れるのは、スクリプトと入力を合わせて最大 %3 です。</translation>
    </message>
    <message>
        <source>The script and input files add up to more than %1, the most that goes with a job. Remove an input, or make it smaller.</source>
        <translation>スクリプトと入力ファイルの合計が、ジョブと一緒に送れる上限の %1 を超えています。入力を削除するか、小さくしてください。</translation>
    </message>
    <message>
        <source>fetching outputs %p%</source>
        <translation>出力を取得中 %p%</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::MarketDialog</name>
    <message>
        <source>Connect to a market</source>
        <translation>マーケットに接続</translation>
    </message>
    <message>
        <source>Enter the market&apos;s address and its node ID (ask its operator, or run &lt;tt&gt;market-manager --print-id&lt;/tt&gt; on it). The ID is pinned: a different market at that address is refused.</source>
        <translation>マーケットのアドレスとノード ID を入力してください (運営者に尋ねるか、そのマシンで &lt;tt&gt;market-manager --print-id&lt;/tt&gt; を実行します)。ID は固定され、そのアドレスにある別のマーケットは拒否されます。</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>アドレス</translation>
    </message>
    <message>
        <source>Market ID</source>
        <translation>マーケット ID</translation>
    </message>
    <message>
        <source>Enter both the market&apos;s address and its ID.</source>
        <translation>マーケットのアドレスと ID の両方を入力してください。</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::OffersPage</name>
    <message>
        <source>Borrow…</source>
        <translation>借りる…</translation>
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
        <source>Reliability</source>
        <translation>信頼性</translation>
    </message>
    <message>
        <source>any</source>
        <translation>指定なし</translation>
    </message>
    <message>
        <source>e.g. 512M, 2G</source>
        <translation>例: 512M, 2G</translation>
    </message>
    <message>
        <source>e.g. 4G</source>
        <translation>例: 4G</translation>
    </message>
    <message>
        <source>e.g. busybox</source>
        <translation>例: busybox</translation>
    </message>
    <message>
        <source>e.g. 1.50</source>
        <translation>例: 1.50</translation>
    </message>
    <message>
        <source>Query language, e.g. cpus&gt;=2 memory&gt;=1G os=busybox rate&lt;=1.5 order=rate</source>
        <translation>クエリ言語、例: cpus&gt;=2 memory&gt;=1G os=busybox rate&lt;=1.5 order=rate</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <source>Min &amp;vCPUs</source>
        <translation>最小 vCPU(&amp;V)</translation>
    </message>
    <message>
        <source>Min &amp;memory</source>
        <translation>最小メモリ(&amp;M)</translation>
    </message>
    <message>
        <source>Min &amp;disk</source>
        <translation>最小ディスク(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;OS image</source>
        <translation>OS イメージ(&amp;O)</translation>
    </message>
    <message>
        <source>Max &amp;rate</source>
        <translation>最大単価(&amp;R)</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>検索に失敗しました: %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 excluded %n offer(s)</source>
        <translation>
            <numerusform>%1 により %n 件のオファーを除外</numerusform>
        </translation>
    </message>
    <message>
        <source>No offer matches. %1.</source>
        <translation>一致するオファーはありません。%1。</translation>
    </message>
    <message numerus="yes">
        <source>%n offer(s) match.</source>
        <translation>
            <numerusform>%n 件のオファーが一致しました。</numerusform>
        </translation>
    </message>
    <message>
        <source>No offer is available right now.</source>
        <translation>現在利用できるオファーはありません。</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>制限時間</translation>
    </message>
    <message>
        <source>the list shows every match as you scroll: leave limit= and offset= out of the query (the command line&apos;s `offers` takes them)</source>
        <translation>一覧はスクロールに応じてすべての一致を表示します: クエリに limit= と offset= を書かないでください (コマンドラインの `offers` では使えます)</translation>
    </message>
    <message>
        <source>e.g. 8h</source>
        <translation>例: 8h</translation>
    </message>
    <message>
        <source>Offers whose contracts may run at least this long (8h, 1:30:00, 3600 seconds); offers without a time limit always do. &quot;none&quot;: only offers without a time limit.</source>
        <translation>契約が少なくともこの時間実行できるオファー（8h、1:30:00、3600 秒）。時間制限のないオファーは常に該当します。&quot;none&quot;: 時間制限のないオファーのみ。</translation>
    </message>
    <message>
        <source>Min &amp;time limit</source>
        <translation>最小時間制限(&amp;T)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a time limit: write one such as 8h, 1:30:00 or 3600 (seconds), or none for offers without a limit</source>
        <translation>&apos;%1&apos; は時間制限ではありません: 8h、1:30:00、3600（秒）のように書くか、制限のないオファーには none と書いてください</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::PeerLink</name>
    <message>
        <source>&apos;%1&apos; is not a %2 address; write HOST:PORT, e.g. 127.0.0.1:7400</source>
        <translation>&apos;%1&apos; は%2のアドレスではありません。HOST:PORT の形式で書いてください (例: 127.0.0.1:7400)</translation>
    </message>
    <message>
        <source>cannot reach the %1 at %2 (%3)</source>
        <translation>%2 の%1に到達できません (%3)</translation>
    </message>
    <message>
        <source>the %1 at %2 did not answer in time</source>
        <translation>%2 の%1から時間内に応答がありませんでした</translation>
    </message>
    <message>
        <source>the %1 at %2 did not answer in time: %3</source>
        <translation>%2 の%1から時間内に応答がありませんでした: %3</translation>
    </message>
    <message>
        <source>the %1 at %2 closed the connection</source>
        <translation>%2 の%1が接続を閉じました</translation>
    </message>
    <message>
        <source>no secure connection with the %1 at %2 (%3); is that address really a %1?</source>
        <translation>%2 の%1と安全な接続ができません (%3)。そのアドレスは本当に%1ですか?</translation>
    </message>
    <message>
        <source>the %1 at %2 is not the node you pinned: %3; check the address and the ID</source>
        <translation>%2 の%1は固定したノードではありません: %3。アドレスと ID を確認してください</translation>
    </message>
    <message>
        <source>the %1 at %2 refused this borrower: %3</source>
        <translation>%2 の%1がこの借り手を拒否しました: %3</translation>
    </message>
    <message>
        <source>it stopped answering (no answer to a ping in %1 s)</source>
        <translation>応答しなくなりました（%1 秒以内に ping への応答がありません）</translation>
    </message>
    <message>
        <source>the connection to the %1 at %2 was dropped</source>
        <translation>%2 の %1 への接続は切断されました</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Lendable Borrower Client</source>
        <translation>Lendable 借り手クライアント</translation>
    </message>
    <message>
        <source>Lendable Borrower Client: shop offers, run jobs in borrowed partitions, pay.</source>
        <translation>Lendable 借り手クライアント: オファーを探し、借りたパーティションでジョブを実行し、支払います。</translation>
    </message>
    <message>
        <source>Command-line mode (handled by the launcher).</source>
        <translation>コマンドラインモード (ランチャーが処理)。</translation>
    </message>
    <message>
        <source>Market to use.</source>
        <translation>使用するマーケット。</translation>
    </message>
    <message>
        <source>Node ID of the market.</source>
        <translation>マーケットのノード ID。</translation>
    </message>
    <message>
        <source>Print one JSON document per command.</source>
        <translation>コマンドごとに JSON ドキュメントを 1 つ出力します。</translation>
    </message>
    <message>
        <source>--json goes with --cli: borrower-client --cli --json COMMAND</source>
        <translation>--json は --cli と一緒に使います: borrower-client --cli --json コマンド</translation>
    </message>
    <message>
        <source>Run one command (offers, borrow, submit, logs, wait, cancel, end, bills, receipt, name) and exit.</source>
        <translation>コマンドを 1 つ実行して終了します（offers、borrow、submit、logs、wait、cancel、end、bills、receipt、name）。</translation>
    </message>
</context>
</TS>
