<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>CommandLine</name>
    <message>
        <source>%1 h %2 min %3 s</source>
        <translation>%1 h %2 min %3 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>--idle-timeout wants seconds from %1 to 86400, or 0 to keep idle connections open, not &apos;%2&apos;</source>
        <translation>--idle-timeout erwartet Sekunden von %1 bis 86400, oder 0, um stille Verbindungen offen zu lassen, nicht &apos;%2&apos;</translation>
    </message>
</context>
<context>
    <name>GuiOptions</name>
    <message>
        <source>Save a screenshot of the main window to FILE after the app settles, then quit (used by scripts/screenshots.sh).</source>
        <translation>Speichert nach dem Start ein Bildschirmfoto des Hauptfensters in DATEI und beendet sich (für scripts/screenshots.sh).</translation>
    </message>
    <message>
        <source>User interface language (e.g. de, ja); default: the setting, else the system&apos;s.</source>
        <translation>Sprache der Benutzeroberfläche (z. B. de, ja); Standard: die Einstellung, sonst die des Systems.</translation>
    </message>
    <message>
        <source>Open the main window on tab N (0 = first); for screenshots and scripts.</source>
        <translation>Öffnet das Hauptfenster auf Reiter N (0 = erster); für Bildschirmfotos und Skripte.</translation>
    </message>
    <message>
        <source>Milliseconds from the start to --screenshot (default 2500), for views that fill over time.</source>
        <translation>Millisekunden vom Start bis --screenshot (Standard 2500), für Ansichten, die sich mit der Zeit füllen.</translation>
    </message>
</context>
<context>
    <name>KeepAlive</name>
    <message>
        <source>%1 stopped answering (a ping had no answer in %2 s)</source>
        <translation>%1 antwortet nicht mehr (keine Antwort auf einen Ping in %2 s)</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>The new language applies the next time you start %1.</source>
        <translation>Die neue Sprache gilt ab dem nächsten Start von %1.</translation>
    </message>
</context>
<context>
    <name>LockReport</name>
    <message>
        <source>vCPUs</source>
        <translation>vCPUs</translation>
    </message>
    <message>
        <source>maximum vCPUs</source>
        <translation>maximale vCPUs</translation>
    </message>
    <message>
        <source>memory</source>
        <translation>Arbeitsspeicher</translation>
    </message>
    <message>
        <source>memory in use</source>
        <translation>genutzter Arbeitsspeicher</translation>
    </message>
    <message>
        <source>memory limit</source>
        <translation>Speichergrenze</translation>
    </message>
    <message>
        <source>CPU shares</source>
        <translation>CPU-Anteile</translation>
    </message>
    <message>
        <source>CPU period</source>
        <translation>CPU-Periode</translation>
    </message>
    <message>
        <source>CPU quota</source>
        <translation>CPU-Kontingent</translation>
    </message>
    <message>
        <source>pinned CPUs</source>
        <translation>gebundene CPUs</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>%1 %2 → %3</source>
        <translation>%1 %2 → %3</translation>
    </message>
    <message>
        <source>%1 %2 → %3 (not restored)</source>
        <translation>%1 %2 → %3 (nicht wiederhergestellt)</translation>
    </message>
    <message>
        <source>%1. Restoring failed: %2</source>
        <translation>%1. Wiederherstellen fehlgeschlagen: %2</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>this service does not handle %1</source>
        <translation>dieser Dienst verarbeitet %1 nicht</translation>
    </message>
    <message>
        <source>message type %1 is not in the registry</source>
        <translation>Nachrichtentyp %1 ist nicht registriert</translation>
    </message>
    <message>
        <source>the peer&apos;s certificate is not valid now (%1; valid %2 to %3)</source>
        <translation>das Zertifikat der Gegenstelle ist derzeit nicht gültig (%1; gültig von %2 bis %3)</translation>
    </message>
    <message>
        <source>the peer&apos;s certificate is unusable: %1</source>
        <translation>das Zertifikat der Gegenstelle ist unbrauchbar: %1</translation>
    </message>
    <message>
        <source>%1 is node %2, not the pinned node %3</source>
        <translation>%1 ist Knoten %2, nicht der festgelegte Knoten %3</translation>
    </message>
    <message>
        <source>(no certificate)</source>
        <translation>(kein Zertifikat)</translation>
    </message>
    <message>
        <source>unknown OpenSSL error</source>
        <translation>unbekannter OpenSSL-Fehler</translation>
    </message>
    <message>
        <source>cannot create a TLS context: %1</source>
        <translation>TLS-Kontext kann nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>this node&apos;s certificate or key cannot be used for TLS: %1</source>
        <translation>Zertifikat oder Schlüssel dieses Knotens ist für TLS nicht verwendbar: %1</translation>
    </message>
</context>
<context>
    <name>ReceiptCheck</name>
    <message>
        <source>the receipt for contract %1 is not signed</source>
        <translation>der Beleg für Vertrag %1 ist nicht signiert</translation>
    </message>
    <message>
        <source>the receipt for contract %1 does not carry one PEM certificate</source>
        <translation>der Beleg für Vertrag %1 enthält nicht genau ein PEM-Zertifikat</translation>
    </message>
    <message>
        <source>the receipt&apos;s certificate is node %1, not the market %2 it names</source>
        <translation>das Zertifikat des Belegs gehört zu Knoten %1, nicht zum genannten Marktplatz %2</translation>
    </message>
    <message>
        <source>the receipt was signed by market %1, not by the expected market %2</source>
        <translation>der Beleg wurde von Marktplatz %1 signiert, nicht vom erwarteten Marktplatz %2</translation>
    </message>
    <message>
        <source>the signature of the receipt for contract %1 does not verify (%2): the receipt was altered or not made by that market</source>
        <translation>die Signatur des Belegs für Vertrag %1 lässt sich nicht verifizieren (%2): der Beleg wurde verändert oder nicht von diesem Marktplatz ausgestellt</translation>
    </message>
    <message>
        <source>the receipt&apos;s batch proof is malformed: %1</source>
        <translation>der Stapelnachweis des Belegs ist fehlerhaft: %1</translation>
    </message>
    <message>
        <source>a batch of %1 receipts</source>
        <translation>ein Stapel aus %1 Belegen</translation>
    </message>
    <message>
        <source>receipt %1 of a batch of %2</source>
        <translation>Beleg %1 eines Stapels aus %2</translation>
    </message>
    <message>
        <source>the proof is too short</source>
        <translation>der Nachweis ist zu kurz</translation>
    </message>
    <message>
        <source>a proof hash is not 32 bytes</source>
        <translation>ein Hash des Nachweises ist nicht 32 Bytes lang</translation>
    </message>
    <message>
        <source>the proof is too long</source>
        <translation>der Nachweis ist zu lang</translation>
    </message>
    <message>
        <source>the file&apos;s &quot;%1&quot; (%2) is not what the signed receipt says (%3)</source>
        <translation>„%1“ in der Datei (%2) ist nicht, was der signierte Beleg sagt (%3)</translation>
    </message>
    <message>
        <source>the file&apos;s &quot;%1&quot; should be text, as in the receipt files Lendable writes</source>
        <translation>Das Feld &quot;%1&quot; der Datei sollte Text sein, wie in den Belegdateien, die Lendable schreibt</translation>
    </message>
    <message>
        <source>the file&apos;s &quot;%1&quot; should be a whole number, as in the receipt files Lendable writes</source>
        <translation>Das Feld &quot;%1&quot; der Datei sollte eine ganze Zahl sein, wie in den Belegdateien, die Lendable schreibt</translation>
    </message>
    <message>
        <source>the receipt has no text field &quot;%1&quot;</source>
        <translation>der Beleg hat kein Textfeld &quot;%1&quot;</translation>
    </message>
    <message>
        <source>the receipt has no whole-number field &quot;%1&quot; (UTC milliseconds)</source>
        <translation>der Beleg hat kein ganzzahliges Feld &quot;%1&quot; (UTC-Millisekunden)</translation>
    </message>
    <message>
        <source>the receipt&apos;s &quot;%1&quot; is not an amount: %2</source>
        <translation>&quot;%1&quot; im Beleg ist kein Betrag: %2</translation>
    </message>
    <message>
        <source>the receipt has a field &quot;%1&quot; that its signature does not cover</source>
        <translation>der Beleg hat ein Feld „%1“, das seine Signatur nicht abdeckt</translation>
    </message>
    <message>
        <source>the receipt&apos;s signature is not base64</source>
        <translation>die Signatur des Belegs ist kein Base64</translation>
    </message>
    <message>
        <source>the receipt&apos;s &quot;batch&quot; needs a whole-number &quot;size&quot; and &quot;index&quot; and a &quot;path&quot; of base64 hashes</source>
        <translation>das Feld &quot;batch&quot; des Belegs braucht ganzzahlige &quot;size&quot; und &quot;index&quot; und einen &quot;path&quot; aus Base64-Hashes</translation>
    </message>
    <message>
        <source>standard input</source>
        <translation>die Standardeingabe</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is not a receipt: it is larger than 4 MiB (a receipt has a few KiB)</source>
        <translation>%1 ist kein Beleg: die Datei ist größer als 4 MiB (ein Beleg hat wenige KiB)</translation>
    </message>
    <message>
        <source>%1 is not a receipt: it is empty</source>
        <translation>%1 ist kein Beleg: die Datei ist leer</translation>
    </message>
    <message>
        <source>%1 is not a receipt (a JSON object, as `receipt show` prints it): %2</source>
        <translation>%1 ist kein Beleg (ein JSON-Objekt, wie `receipt show` es ausgibt): %2</translation>
    </message>
    <message>
        <source>%1 at byte %2</source>
        <translation>%1 bei Byte %2</translation>
    </message>
    <message>
        <source>it holds a JSON array</source>
        <translation>sie enthält ein JSON-Array</translation>
    </message>
    <message>
        <source>it holds no JSON</source>
        <translation>sie enthält kein JSON</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 is not a receipt: it has &quot;%2&quot; twice in one object, and readers may take either value</source>
        <translation>%1 ist kein Beleg: Er enthält &quot;%2&quot; zweimal in einem Objekt, und Leser können jeden der beiden Werte nehmen</translation>
    </message>
    <message>
        <source>the market sent no receipt for contract %1 (an older market signs receipts only at a contract&apos;s start and end, for its borrower)</source>
        <translation>der Marktplatz hat keinen Beleg für Vertrag %1 geschickt (ein älterer Marktplatz signiert Belege nur bei Beginn und Ende eines Vertrags, für dessen Entleiher)</translation>
    </message>
    <message>
        <source>the market sent a receipt for another contract than %1</source>
        <translation>der Marktplatz hat einen Beleg für einen anderen Vertrag als %1 geschickt</translation>
    </message>
    <message>
        <source>the market&apos;s receipt for contract %1 is not valid: %2</source>
        <translation>der Beleg des Marktplatzes für Vertrag %1 ist ungültig: %2</translation>
    </message>
    <message>
        <source>contract %1 was lent directly by its lender, without a market: no market signs its receipts, and this one is signed by market %2</source>
        <translation>Vertrag %1 wurde vom Verleiher direkt verliehen, ohne Marktplatz: kein Marktplatz signiert seine Belege, und dieser ist von Marktplatz %2 signiert</translation>
    </message>
    <message>
        <source>the receipt for contract %1 is signed by market %2, but this contract was made with market %3</source>
        <translation>der Beleg für Vertrag %1 ist von Marktplatz %2 signiert, dieser Vertrag wurde aber mit Marktplatz %3 geschlossen</translation>
    </message>
</context>
<context>
    <name>Terms</name>
    <message>
        <source>the rate is now %1 per hour, not %2</source>
        <translation>der Preis beträgt jetzt %1 pro Stunde, nicht %2</translation>
    </message>
    <message>
        <source>vCPUs: %1 now, not %2</source>
        <translation>vCPUs: jetzt %1, nicht %2</translation>
    </message>
    <message>
        <source>memory: %1 MiB now, not %2 MiB</source>
        <translation>Arbeitsspeicher: jetzt %1 MiB, nicht %2 MiB</translation>
    </message>
    <message>
        <source>disk: %1 MiB now, not %2 MiB</source>
        <translation>Festplatte: jetzt %1 MiB, nicht %2 MiB</translation>
    </message>
    <message>
        <source>a contract may now last at most %1 s, not without limit</source>
        <translation>ein Vertrag darf jetzt höchstens %1 s dauern, nicht unbegrenzt</translation>
    </message>
    <message>
        <source>a contract may now last at most %1 s, not %2 s</source>
        <translation>ein Vertrag darf jetzt höchstens %1 s dauern, nicht %2 s</translation>
    </message>
    <message>
        <source>it no longer offers the OS image %1</source>
        <translation>das Betriebssystem-Image %1 wird nicht mehr angeboten</translation>
    </message>
</context>
<context>
    <name>TimeLimit</name>
    <message>
        <source>none</source>
        <translation>keines</translation>
    </message>
</context>
<context>
    <name>lendable</name>
    <message>
        <source>the desktop app %1 is not installed; use --headless or --cli</source>
        <translation>die Desktop-Anwendung %1 ist nicht installiert; verwenden Sie --headless oder --cli</translation>
    </message>
    <message>
        <source>cannot start %1: %2</source>
        <translation>%1 kann nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>Print this node&apos;s ID (creating the identity if needed) and exit.</source>
        <translation>Gibt die ID dieses Knotens aus (und erzeugt die Identität, falls nötig) und beendet sich.</translation>
    </message>
    <message>
        <source>--%1 is read by the desktop app; with --headless it would do nothing</source>
        <translation>--%1 wird von der Desktop-Anwendung gelesen; mit --headless bliebe es wirkungslos</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos; (options start with --)</source>
        <translation>unerwartetes Argument &apos;%1&apos; (Optionen beginnen mit --)</translation>
    </message>
    <message>
        <source>Data directory (identity and database; the desktop apps keep their settings in your configuration directory).</source>
        <translation>Datenverzeichnis (Identität und Datenbank; die Desktop-Apps speichern ihre Einstellungen in Ihrem Konfigurationsverzeichnis).</translation>
    </message>
    <message>
        <source>--%1 was given an empty value; leave the option out for its default</source>
        <translation>--%1 wurde ein leerer Wert gegeben; lassen Sie die Option für ihren Standardwert weg</translation>
    </message>
</context>
<context>
    <name>lendable::HostPort</name>
    <message>
        <source>&apos;%1&apos; is not HOST:PORT (for example 127.0.0.1:7400)</source>
        <translation>&apos;%1&apos; ist nicht HOST:PORT (zum Beispiel 127.0.0.1:7400)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not ADDR:PORT with an IP address (for example 0.0.0.0:7400)</source>
        <translation>&apos;%1&apos; ist nicht ADDR:PORT mit einer IP-Adresse (zum Beispiel 0.0.0.0:7400)</translation>
    </message>
</context>
<context>
    <name>lendable::Paths</name>
    <message>
        <source>it is not a directory</source>
        <translation>es ist kein Verzeichnis</translation>
    </message>
    <message>
        <source>cannot create the directory %1: %2</source>
        <translation>das Verzeichnis %1 kann nicht angelegt werden: %2</translation>
    </message>
</context>
<context>
    <name>lendable::protocol::Channel</name>
    <message>
        <source>no Hello exchange within %1 ms</source>
        <translation>kein Hello-Austausch innerhalb von %1 ms</translation>
    </message>
    <message>
        <source>the connection was destroyed</source>
        <translation>die Verbindung wurde zerstört</translation>
    </message>
    <message>
        <source>the connection to %1 was not established within %2 ms</source>
        <translation>die Verbindung zu %1 wurde nicht innerhalb von %2 ms aufgebaut</translation>
    </message>
    <message>
        <source>the connection was closed</source>
        <translation>die Verbindung wurde geschlossen</translation>
    </message>
    <message>
        <source>the service chose protocol version %1; this program speaks %2 to %3</source>
        <translation>der Dienst hat Protokollversion %1 gewählt; dieses Programm spricht %2 bis %3</translation>
    </message>
    <message>
        <source>the service announced node ID %1 but its certificate is %2</source>
        <translation>der Dienst hat die Knoten-ID %1 angekündigt, sein Zertifikat ist aber %2</translation>
    </message>
    <message>
        <source>the peer closed the connection before the Hello exchange completed (it may not accept this node&apos;s certificate): %1</source>
        <translation>die Gegenstelle hat die Verbindung vor Abschluss des Hello-Austauschs geschlossen (vielleicht akzeptiert sie das Zertifikat dieses Knotens nicht): %1</translation>
    </message>
    <message>
        <source>the connection is not open yet</source>
        <translation>die Verbindung ist noch nicht offen</translation>
    </message>
    <message>
        <source>the first message must be Hello, not %1</source>
        <translation>die erste Nachricht muss Hello sein, nicht %1</translation>
    </message>
    <message>
        <source>this service speaks protocol versions %1 to %2; the client speaks %3 to %4</source>
        <translation>dieser Dienst spricht die Protokollversionen %1 bis %2; der Client spricht %3 bis %4</translation>
    </message>
    <message>
        <source>this %1 service does not serve the role &apos;%2&apos; (it serves: %3)</source>
        <translation>dieser %1-Dienst bedient die Rolle &apos;%2&apos; nicht (er bedient: %3)</translation>
    </message>
    <message>
        <source>no answer from %1 in time</source>
        <translation>keine rechtzeitige Antwort von %1</translation>
    </message>
    <message>
        <source>the market&apos;s disk is full: it could not store this. Try again later.</source>
        <translation>Die Festplatte des Marktplatzes ist voll: er konnte dies nicht speichern. Versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>the lender agent&apos;s disk is full: it could not store this. Try again later.</source>
        <translation>Die Festplatte des Verleiher-Agenten ist voll: er konnte dies nicht speichern. Versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>the peer&apos;s disk is full: it could not store this. Try again later.</source>
        <translation>Die Festplatte der Gegenstelle ist voll: sie konnte dies nicht speichern. Versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>the market&apos;s database failed: it could not do this. Try again later.</source>
        <translation>Die Datenbank des Marktplatzes ist ausgefallen: er konnte dies nicht ausführen. Versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>the lender agent&apos;s database failed: it could not do this. Try again later.</source>
        <translation>Die Datenbank des Verleiher-Agenten ist ausgefallen: er konnte dies nicht ausführen. Versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>the peer&apos;s database failed: it could not do this. Try again later.</source>
        <translation>Die Datenbank der Gegenstelle ist ausgefallen: sie konnte dies nicht ausführen. Versuchen Sie es später erneut.</translation>
    </message>
</context>
<context>
    <name>lendable::protocol::LocalChannel</name>
    <message>
        <source>the peer closed the connection</source>
        <translation>die Gegenstelle hat die Verbindung geschlossen</translation>
    </message>
</context>
<context>
    <name>lendable::protocol::Server</name>
    <message>
        <source>cannot listen on %1:%2: %3</source>
        <translation>auf %1:%2 kann nicht gelauscht werden: %3</translation>
    </message>
    <message>
        <source>the service is shutting down</source>
        <translation>der Dienst wird heruntergefahren</translation>
    </message>
    <message>
        <source>cannot accept connections: %1 (%2 connections open, %3 in their TLS handshake; the process may have %4 files open). New connections wait until one closes; accepting is tried again every %5 ms (this is logged once a minute at most).</source>
        <translation>Verbindungen können nicht angenommen werden: %1 (%2 Verbindungen offen, %3 im TLS-Handshake; der Prozess darf %4 Dateien offen haben). Neue Verbindungen warten, bis eine geschlossen wird; das Annehmen wird alle %5 ms erneut versucht (dies wird höchstens einmal pro Minute protokolliert).</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>nothing was heard from this peer, nor did it read anything, for %1 s: the connection is closed as idle</source>
        <translation>von dieser Gegenstelle kam %1 s lang nichts, und sie hat nichts gelesen: die Verbindung wird als untätig geschlossen</translation>
    </message>
</context>
<context>
    <name>lendable::protocol::SslChannel</name>
    <message>
        <source>%1 is node %2, not the pinned node %3</source>
        <translation>%1 ist Knoten %2, nicht der festgelegte Knoten %3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a node ID (64 hex characters)</source>
        <translation>&apos;%1&apos; ist keine Knoten-ID (64 Hex-Zeichen)</translation>
    </message>
    <message>
        <source>no TLS connection to %1 within %2 ms</source>
        <translation>keine TLS-Verbindung zu %1 innerhalb von %2 ms</translation>
    </message>
    <message>
        <source>%1 closed the connection</source>
        <translation>%1 hat die Verbindung geschlossen</translation>
    </message>
    <message>
        <source>TLS with %1 failed: %2</source>
        <translation>TLS mit %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>cannot reach %1: %2</source>
        <translation>%1 ist nicht erreichbar: %2</translation>
    </message>
    <message>
        <source>no identity to make TLS connections with</source>
        <translation>keine Identität für TLS-Verbindungen</translation>
    </message>
    <message>
        <source>cannot start TLS: %1</source>
        <translation>TLS kann nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>cannot watch the socket of %1: %2</source>
        <translation>der Socket von %1 kann nicht überwacht werden: %2</translation>
    </message>
    <message>
        <source>TLS with %1 failed: the peer closed the connection during the handshake (it may not accept this node&apos;s certificate)</source>
        <translation>TLS mit %1 fehlgeschlagen: die Gegenstelle hat die Verbindung während des Handshakes geschlossen (vielleicht akzeptiert sie das Zertifikat dieses Knotens nicht)</translation>
    </message>
    <message>
        <source>%1 presented no certificate</source>
        <translation>%1 hat kein Zertifikat vorgelegt</translation>
    </message>
    <message>
        <source>outside its validity period</source>
        <translation>außerhalb seines Gültigkeitszeitraums</translation>
    </message>
    <message>
        <source>connection to %1 failed (%2): %3</source>
        <translation>Verbindung zu %1 fehlgeschlagen (%2): %3</translation>
    </message>
    <message>
        <source>connection to %1 failed (%2, OpenSSL error %3)</source>
        <translation>Verbindung zu %1 fehlgeschlagen (%2, OpenSSL-Fehler %3)</translation>
    </message>
</context>
<context>
    <name>lendable::ui::AboutDialog</name>
    <message>
        <source>About %1</source>
        <translation>Über %1</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
    <message>
        <source>This node&apos;s ID (peers pin it):</source>
        <translation>ID dieses Knotens (Gegenstellen legen sie fest):</translation>
    </message>
    <message>
        <source>Copy ID</source>
        <translation>ID kopieren</translation>
    </message>
</context>
<context>
    <name>lendable::ui::ErrorBanner</name>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
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
        <translation>Eine Größe in MiB oder mit Einheit: 512M, 4G, 1T</translation>
    </message>
    <message>
        <source>at most %1</source>
        <translation>höchstens %1</translation>
    </message>
    <message>
        <source>at least %1</source>
        <translation>mindestens %1</translation>
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
        <translation>Arbeitsspeicher %</translation>
    </message>
</context>
</TS>
