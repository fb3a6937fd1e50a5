<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja" sourcelanguage="en">
<context>
    <name>CommandLine</name>
    <message>
        <source>%1 h %2 min %3 s</source>
        <translation>%1 時間 %2 分 %3 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>--idle-timeout wants seconds from %1 to 86400, or 0 to keep idle connections open, not &apos;%2&apos;</source>
        <translation>--idle-timeout には %1 から 86400 までの秒数、またはアイドル接続を開いたままにする 0 を指定してください（&apos;%2&apos; ではなく）</translation>
    </message>
</context>
<context>
    <name>GuiOptions</name>
    <message>
        <source>Save a screenshot of the main window to FILE after the app settles, then quit (used by scripts/screenshots.sh).</source>
        <translation>起動が落ち着いた後、メインウィンドウのスクリーンショットを FILE に保存して終了します (scripts/screenshots.sh 用)。</translation>
    </message>
    <message>
        <source>User interface language (e.g. de, ja); default: the setting, else the system&apos;s.</source>
        <translation>ユーザーインターフェースの言語 (例: de, ja)。既定値: 設定の値、なければシステムの言語。</translation>
    </message>
    <message>
        <source>Open the main window on tab N (0 = first); for screenshots and scripts.</source>
        <translation>メインウィンドウをタブ N で開きます (0 = 最初のタブ)。スクリーンショットやスクリプト用です。</translation>
    </message>
    <message>
        <source>Milliseconds from the start to --screenshot (default 2500), for views that fill over time.</source>
        <translation>起動から --screenshot までのミリ秒 (既定 2500)。時間とともに埋まるビュー向け。</translation>
    </message>
</context>
<context>
    <name>KeepAlive</name>
    <message>
        <source>%1 stopped answering (a ping had no answer in %2 s)</source>
        <translation>%1が応答しなくなりました（%2 秒以内に ping への応答がありません）</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>&amp;Settings</source>
        <translation>設定(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>言語(&amp;L)</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>システムの既定</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <source>The new language applies the next time you start %1.</source>
        <translation>新しい言語は次回 %1 を起動したときに適用されます。</translation>
    </message>
</context>
<context>
    <name>LockReport</name>
    <message>
        <source>vCPUs</source>
        <translation>vCPU</translation>
    </message>
    <message>
        <source>maximum vCPUs</source>
        <translation>最大vCPU</translation>
    </message>
    <message>
        <source>memory</source>
        <translation>メモリ</translation>
    </message>
    <message>
        <source>memory in use</source>
        <translation>使用中のメモリ</translation>
    </message>
    <message>
        <source>memory limit</source>
        <translation>メモリ上限</translation>
    </message>
    <message>
        <source>CPU shares</source>
        <translation>CPUシェア</translation>
    </message>
    <message>
        <source>CPU period</source>
        <translation>CPU周期</translation>
    </message>
    <message>
        <source>CPU quota</source>
        <translation>CPUクォータ</translation>
    </message>
    <message>
        <source>pinned CPUs</source>
        <translation>固定CPU</translation>
    </message>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>無制限</translation>
    </message>
    <message>
        <source>%1 %2 → %3</source>
        <translation>%1 %2 → %3</translation>
    </message>
    <message>
        <source>%1 %2 → %3 (not restored)</source>
        <translation>%1 %2 → %3（復元されず）</translation>
    </message>
    <message>
        <source>%1. Restoring failed: %2</source>
        <translation>%1。復元に失敗しました: %2</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>this service does not handle %1</source>
        <translation>このサービスは %1 を処理しません</translation>
    </message>
    <message>
        <source>message type %1 is not in the registry</source>
        <translation>メッセージ種別 %1 はレジストリにありません</translation>
    </message>
    <message>
        <source>the peer&apos;s certificate is not valid now (%1; valid %2 to %3)</source>
        <translation>相手の証明書は現在有効ではありません (%1、有効期間 %2 ～ %3)</translation>
    </message>
    <message>
        <source>the peer&apos;s certificate is unusable: %1</source>
        <translation>相手の証明書は使用できません: %1</translation>
    </message>
    <message>
        <source>%1 is node %2, not the pinned node %3</source>
        <translation>%1 はノード %2 であり、固定されたノード %3 ではありません</translation>
    </message>
    <message>
        <source>(no certificate)</source>
        <translation>(証明書なし)</translation>
    </message>
    <message>
        <source>unknown OpenSSL error</source>
        <translation>不明な OpenSSL エラー</translation>
    </message>
    <message>
        <source>cannot create a TLS context: %1</source>
        <translation>TLS コンテキストを作成できません: %1</translation>
    </message>
    <message>
        <source>this node&apos;s certificate or key cannot be used for TLS: %1</source>
        <translation>このノードの証明書または鍵は TLS に使えません: %1</translation>
    </message>
</context>
<context>
    <name>ReceiptCheck</name>
    <message>
        <source>the receipt for contract %1 is not signed</source>
        <translation>契約 %1 の領収書には署名がありません</translation>
    </message>
    <message>
        <source>the receipt for contract %1 does not carry one PEM certificate</source>
        <translation>契約 %1 の領収書に PEM 証明書が 1 つ含まれていません</translation>
    </message>
    <message>
        <source>the receipt&apos;s certificate is node %1, not the market %2 it names</source>
        <translation>領収書の証明書はノード %1 のもので、記載されたマーケット %2 のものではありません</translation>
    </message>
    <message>
        <source>the receipt was signed by market %1, not by the expected market %2</source>
        <translation>領収書はマーケット %1 が署名したもので、想定したマーケット %2 ではありません</translation>
    </message>
    <message>
        <source>the signature of the receipt for contract %1 does not verify (%2): the receipt was altered or not made by that market</source>
        <translation>契約 %1 の領収書の署名を検証できません (%2)。領収書が改変されたか、そのマーケットが発行したものではありません</translation>
    </message>
    <message>
        <source>the receipt&apos;s batch proof is malformed: %1</source>
        <translation>領収書のバッチ証明が不正です: %1</translation>
    </message>
    <message>
        <source>a batch of %1 receipts</source>
        <translation>%1 件の領収書のバッチ</translation>
    </message>
    <message>
        <source>receipt %1 of a batch of %2</source>
        <translation>%2 件のバッチ中の領収書 %1</translation>
    </message>
    <message>
        <source>the proof is too short</source>
        <translation>証明が短すぎます</translation>
    </message>
    <message>
        <source>a proof hash is not 32 bytes</source>
        <translation>証明のハッシュが 32 バイトではありません</translation>
    </message>
    <message>
        <source>the proof is too long</source>
        <translation>証明が長すぎます</translation>
    </message>
    <message>
        <source>the file&apos;s &quot;%1&quot; (%2) is not what the signed receipt says (%3)</source>
        <translation>ファイルの「%1」(%2) が署名付き領収書の値 (%3) と一致しません</translation>
    </message>
    <message>
        <source>the file&apos;s &quot;%1&quot; should be text, as in the receipt files Lendable writes</source>
        <translation>ファイルの「%1」は、Lendable が書く領収書ファイルと同じくテキストである必要があります</translation>
    </message>
    <message>
        <source>the file&apos;s &quot;%1&quot; should be a whole number, as in the receipt files Lendable writes</source>
        <translation>ファイルの「%1」は、Lendable が書く領収書ファイルと同じく整数である必要があります</translation>
    </message>
    <message>
        <source>the receipt has no text field &quot;%1&quot;</source>
        <translation>領収書にテキスト項目 &quot;%1&quot; がありません</translation>
    </message>
    <message>
        <source>the receipt has no whole-number field &quot;%1&quot; (UTC milliseconds)</source>
        <translation>領収書に整数項目 &quot;%1&quot; (UTC ミリ秒) がありません</translation>
    </message>
    <message>
        <source>the receipt&apos;s &quot;%1&quot; is not an amount: %2</source>
        <translation>領収書の &quot;%1&quot; は金額ではありません: %2</translation>
    </message>
    <message>
        <source>the receipt has a field &quot;%1&quot; that its signature does not cover</source>
        <translation>領収書に署名の対象外のフィールド「%1」があります</translation>
    </message>
    <message>
        <source>the receipt&apos;s signature is not base64</source>
        <translation>領収書の署名が Base64 ではありません</translation>
    </message>
    <message>
        <source>the receipt&apos;s &quot;batch&quot; needs a whole-number &quot;size&quot; and &quot;index&quot; and a &quot;path&quot; of base64 hashes</source>
        <translation>領収書の &quot;batch&quot; には整数の &quot;size&quot; と &quot;index&quot;、および Base64 ハッシュの &quot;path&quot; が必要です</translation>
    </message>
    <message>
        <source>standard input</source>
        <translation>標準入力</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>%1 を読み込めません: %2</translation>
    </message>
    <message>
        <source>%1 is not a receipt: it is larger than 4 MiB (a receipt has a few KiB)</source>
        <translation>%1 は領収書ではありません: 4 MiB を超えています (領収書は数 KiB です)</translation>
    </message>
    <message>
        <source>%1 is not a receipt: it is empty</source>
        <translation>%1 は領収書ではありません: 空のファイルです</translation>
    </message>
    <message>
        <source>%1 is not a receipt (a JSON object, as `receipt show` prints it): %2</source>
        <translation>%1 は領収書ではありません（`receipt show` が出力する JSON オブジェクトではありません）: %2</translation>
    </message>
    <message>
        <source>%1 at byte %2</source>
        <translation>%1 (バイト %2)</translation>
    </message>
    <message>
        <source>it holds a JSON array</source>
        <translation>JSON 配列が入っています</translation>
    </message>
    <message>
        <source>it holds no JSON</source>
        <translation>JSON が入っていません</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 is not a receipt: it has &quot;%2&quot; twice in one object, and readers may take either value</source>
        <translation>%1 は領収書ではありません: 1 つのオブジェクトに「%2」が 2 回あり、読み手によってどちらの値を取るかが異なります</translation>
    </message>
    <message>
        <source>the market sent no receipt for contract %1 (an older market signs receipts only at a contract&apos;s start and end, for its borrower)</source>
        <translation>マーケットは契約 %1 の領収書を送りませんでした (古いマーケットは契約の開始時と終了時に、借り手にのみ領収書を署名します)</translation>
    </message>
    <message>
        <source>the market sent a receipt for another contract than %1</source>
        <translation>マーケットが %1 とは別の契約の領収書を送りました</translation>
    </message>
    <message>
        <source>the market&apos;s receipt for contract %1 is not valid: %2</source>
        <translation>マーケットからの契約 %1 の領収書は無効です: %2</translation>
    </message>
    <message>
        <source>contract %1 was lent directly by its lender, without a market: no market signs its receipts, and this one is signed by market %2</source>
        <translation>契約 %1 はマーケットを介さず貸し手から直接貸し出されました: その領収書に署名するマーケットはありませんが、この領収書はマーケット %2 の署名です</translation>
    </message>
    <message>
        <source>the receipt for contract %1 is signed by market %2, but this contract was made with market %3</source>
        <translation>契約 %1 の領収書はマーケット %2 の署名ですが、この契約はマーケット %3 と結ばれました</translation>
    </message>
</context>
<context>
    <name>Terms</name>
    <message>
        <source>the rate is now %1 per hour, not %2</source>
        <translation>料金は現在 1 時間あたり %1 です (%2 ではありません)</translation>
    </message>
    <message>
        <source>vCPUs: %1 now, not %2</source>
        <translation>vCPU: 現在 %1 (%2 ではありません)</translation>
    </message>
    <message>
        <source>memory: %1 MiB now, not %2 MiB</source>
        <translation>メモリ: 現在 %1 MiB (%2 MiB ではありません)</translation>
    </message>
    <message>
        <source>disk: %1 MiB now, not %2 MiB</source>
        <translation>ディスク: 現在 %1 MiB (%2 MiB ではありません)</translation>
    </message>
    <message>
        <source>a contract may now last at most %1 s, not without limit</source>
        <translation>契約は現在最長 %1 秒です (無制限ではありません)</translation>
    </message>
    <message>
        <source>a contract may now last at most %1 s, not %2 s</source>
        <translation>契約は現在最長 %1 秒です (%2 秒ではありません)</translation>
    </message>
    <message>
        <source>it no longer offers the OS image %1</source>
        <translation>OS イメージ %1 は提供されなくなりました</translation>
    </message>
</context>
<context>
    <name>TimeLimit</name>
    <message>
        <source>none</source>
        <translation>なし</translation>
    </message>
</context>
<context>
    <name>lendable</name>
    <message>
        <source>the desktop app %1 is not installed; use --headless or --cli</source>
        <translation>デスクトップアプリ %1 がインストールされていません。--headless か --cli を使ってください</translation>
    </message>
    <message>
        <source>cannot start %1: %2</source>
        <translation>%1 を起動できません: %2</translation>
    </message>
    <message>
        <source>Print this node&apos;s ID (creating the identity if needed) and exit.</source>
        <translation>このノードの ID を表示して終了します (必要なら ID を作成します)。</translation>
    </message>
    <message>
        <source>--%1 is read by the desktop app; with --headless it would do nothing</source>
        <translation>--%1 はデスクトップアプリが読むオプションです。--headless では何もしません</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos; (options start with --)</source>
        <translation>予期しない引数 &apos;%1&apos;（オプションは -- で始まります）</translation>
    </message>
    <message>
        <source>Data directory (identity and database; the desktop apps keep their settings in your configuration directory).</source>
        <translation>データディレクトリ（ID とデータベース。デスクトップアプリの設定は設定ディレクトリに保存されます）。</translation>
    </message>
    <message>
        <source>--%1 was given an empty value; leave the option out for its default</source>
        <translation>--%1 に空の値が指定されました。既定値を使うにはオプションを省略してください</translation>
    </message>
</context>
<context>
    <name>lendable::HostPort</name>
    <message>
        <source>&apos;%1&apos; is not HOST:PORT (for example 127.0.0.1:7400)</source>
        <translation>&apos;%1&apos; は HOST:PORT ではありません (例: 127.0.0.1:7400)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not ADDR:PORT with an IP address (for example 0.0.0.0:7400)</source>
        <translation>&apos;%1&apos; は IP アドレスの ADDR:PORT ではありません (例: 0.0.0.0:7400)</translation>
    </message>
</context>
<context>
    <name>lendable::Paths</name>
    <message>
        <source>it is not a directory</source>
        <translation>ディレクトリではありません</translation>
    </message>
    <message>
        <source>cannot create the directory %1: %2</source>
        <translation>ディレクトリ %1 を作成できません: %2</translation>
    </message>
</context>
<context>
    <name>lendable::protocol::Channel</name>
    <message>
        <source>no Hello exchange within %1 ms</source>
        <translation>%1 ms 以内に Hello の交換がありませんでした</translation>
    </message>
    <message>
        <source>the connection was destroyed</source>
        <translation>接続が破棄されました</translation>
    </message>
    <message>
        <source>the connection to %1 was not established within %2 ms</source>
        <translation>%1 への接続が %2 ms 以内に確立されませんでした</translation>
    </message>
    <message>
        <source>the connection was closed</source>
        <translation>接続が閉じられました</translation>
    </message>
    <message>
        <source>the service chose protocol version %1; this program speaks %2 to %3</source>
        <translation>サービスはプロトコルバージョン %1 を選びましたが、このプログラムが扱えるのは %2 ～ %3 です</translation>
    </message>
    <message>
        <source>the service announced node ID %1 but its certificate is %2</source>
        <translation>サービスはノード ID %1 を名乗りましたが、証明書は %2 のものです</translation>
    </message>
    <message>
        <source>the peer closed the connection before the Hello exchange completed (it may not accept this node&apos;s certificate): %1</source>
        <translation>Hello の交換が終わる前に相手が接続を閉じました (このノードの証明書を受け入れていない可能性があります): %1</translation>
    </message>
    <message>
        <source>the connection is not open yet</source>
        <translation>接続はまだ開いていません</translation>
    </message>
    <message>
        <source>the first message must be Hello, not %1</source>
        <translation>最初のメッセージは Hello でなければなりません (受信: %1)</translation>
    </message>
    <message>
        <source>this service speaks protocol versions %1 to %2; the client speaks %3 to %4</source>
        <translation>このサービスのプロトコルバージョンは %1 ～ %2、クライアントは %3 ～ %4 です</translation>
    </message>
    <message>
        <source>this %1 service does not serve the role &apos;%2&apos; (it serves: %3)</source>
        <translation>この %1 サービスはロール &apos;%2&apos; を扱いません (扱うロール: %3)</translation>
    </message>
    <message>
        <source>no answer from %1 in time</source>
        <translation>%1 から時間内に応答がありませんでした</translation>
    </message>
    <message>
        <source>the market&apos;s disk is full: it could not store this. Try again later.</source>
        <translation>マーケットのディスクがいっぱいです。保存できませんでした。後でもう一度お試しください。</translation>
    </message>
    <message>
        <source>the lender agent&apos;s disk is full: it could not store this. Try again later.</source>
        <translation>貸し手エージェントのディスクがいっぱいです。保存できませんでした。後でもう一度お試しください。</translation>
    </message>
    <message>
        <source>the peer&apos;s disk is full: it could not store this. Try again later.</source>
        <translation>相手側のディスクがいっぱいです。保存できませんでした。後でもう一度お試しください。</translation>
    </message>
    <message>
        <source>the market&apos;s database failed: it could not do this. Try again later.</source>
        <translation>マーケットのデータベースで障害が発生しました。処理できませんでした。後でもう一度お試しください。</translation>
    </message>
    <message>
        <source>the lender agent&apos;s database failed: it could not do this. Try again later.</source>
        <translation>貸し手エージェントのデータベースで障害が発生しました。処理できませんでした。後でもう一度お試しください。</translation>
    </message>
    <message>
        <source>the peer&apos;s database failed: it could not do this. Try again later.</source>
        <translation>相手側のデータベースで障害が発生しました。処理できませんでした。後でもう一度お試しください。</translation>
    </message>
</context>
<context>
    <name>lendable::protocol::LocalChannel</name>
    <message>
        <source>the peer closed the connection</source>
        <translation>相手が接続を閉じました</translation>
    </message>
</context>
<context>
    <name>lendable::protocol::Server</name>
    <message>
        <source>cannot listen on %1:%2: %3</source>
        <translation>%1:%2 で待ち受けできません: %3</translation>
    </message>
    <message>
        <source>the service is shutting down</source>
        <translation>サービスは終了処理中です</translation>
    </message>
    <message>
        <source>cannot accept connections: %1 (%2 connections open, %3 in their TLS handshake; the process may have %4 files open). New connections wait until one closes; accepting is tried again every %5 ms (this is logged once a minute at most).</source>
        <translation>接続を受け付けられません: %1（開いている接続 %2、TLS ハンドシェイク中 %3。プロセスが開けるファイル数は %4）。新しい接続はどれかが閉じるまで待ちます。受け付けは %5 ミリ秒ごとに再試行します（このログは最大で 1 分に 1 回です）。</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>無制限</translation>
    </message>
    <message>
        <source>nothing was heard from this peer, nor did it read anything, for %1 s: the connection is closed as idle</source>
        <translation>このピアから %1 秒間何も届かず、何も読み取られませんでした。アイドル状態の接続として閉じます</translation>
    </message>
</context>
<context>
    <name>lendable::protocol::SslChannel</name>
    <message>
        <source>%1 is node %2, not the pinned node %3</source>
        <translation>%1 はノード %2 であり、固定されたノード %3 ではありません</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a node ID (64 hex characters)</source>
        <translation>&apos;%1&apos; はノード ID ではありません (16 進数 64 文字)</translation>
    </message>
    <message>
        <source>no TLS connection to %1 within %2 ms</source>
        <translation>%2 ms 以内に %1 との TLS 接続ができませんでした</translation>
    </message>
    <message>
        <source>%1 closed the connection</source>
        <translation>%1 が接続を閉じました</translation>
    </message>
    <message>
        <source>TLS with %1 failed: %2</source>
        <translation>%1 との TLS に失敗しました: %2</translation>
    </message>
    <message>
        <source>cannot reach %1: %2</source>
        <translation>%1 に到達できません: %2</translation>
    </message>
    <message>
        <source>no identity to make TLS connections with</source>
        <translation>TLS 接続に使う ID がありません</translation>
    </message>
    <message>
        <source>cannot start TLS: %1</source>
        <translation>TLS を開始できません: %1</translation>
    </message>
    <message>
        <source>cannot watch the socket of %1: %2</source>
        <translation>%1 のソケットを監視できません: %2</translation>
    </message>
    <message>
        <source>TLS with %1 failed: the peer closed the connection during the handshake (it may not accept this node&apos;s certificate)</source>
        <translation>%1 との TLS に失敗しました: ハンドシェイク中に相手が接続を閉じました (このノードの証明書を受け入れていない可能性があります)</translation>
    </message>
    <message>
        <source>%1 presented no certificate</source>
        <translation>%1 は証明書を提示しませんでした</translation>
    </message>
    <message>
        <source>outside its validity period</source>
        <translation>有効期間外です</translation>
    </message>
    <message>
        <source>connection to %1 failed (%2): %3</source>
        <translation>%1 への接続に失敗しました (%2): %3</translation>
    </message>
    <message>
        <source>connection to %1 failed (%2, OpenSSL error %3)</source>
        <translation>%1 への接続に失敗しました (%2、OpenSSL エラー %3)</translation>
    </message>
</context>
<context>
    <name>lendable::ui::AboutDialog</name>
    <message>
        <source>About %1</source>
        <translation>%1 について</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>バージョン %1</translation>
    </message>
    <message>
        <source>This node&apos;s ID (peers pin it):</source>
        <translation>このノードの ID (相手側はこれを固定します):</translation>
    </message>
    <message>
        <source>Copy ID</source>
        <translation>ID をコピー</translation>
    </message>
</context>
<context>
    <name>lendable::ui::ErrorBanner</name>
    <message>
        <source>Dismiss</source>
        <translation>閉じる</translation>
    </message>
</context>
<context>
    <name>lendable::ui::PagedTableModel</name>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
</context>
<context>
    <name>lendable::ui::SizeSpinBox</name>
    <message>
        <source>A size in MiB, or with a unit: 512M, 4G, 1T</source>
        <translation>MiB単位のサイズ、または単位付き: 512M, 4G, 1T</translation>
    </message>
    <message>
        <source>at most %1</source>
        <translation>最大 %1</translation>
    </message>
    <message>
        <source>at least %1</source>
        <translation>最小 %1</translation>
    </message>
</context>
<context>
    <name>lendable::ui::UsageChart</name>
    <message>
        <source>CPU %</source>
        <translation>CPU %</translation>
    </message>
    <message>
        <source>Memory %</source>
        <translation>メモリ %</translation>
    </message>
</context>
</TS>
