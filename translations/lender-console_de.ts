<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>OwnerCli</name>
    <message>
        <source>%1 needs a value</source>
        <translation>%1 braucht einen Wert</translation>
    </message>
    <message>
        <source>unknown option %1</source>
        <translation>unbekannte Option %1</translation>
    </message>
    <message>
        <source>%1  %2  rate %3/h  os %4  %5</source>
        <translation>%1  %2  Preis %3/h  OS %4  %5</translation>
    </message>
    <message>
        <source>  market %1</source>
        <translation>  Marktplatz %1</translation>
    </message>
    <message>
        <source>  job %1</source>
        <translation>  Job %1</translation>
    </message>
    <message>
        <source>  earned %1</source>
        <translation>  verdient %1</translation>
    </message>
    <message>
        <source>--cpus wants a whole number, not &apos;%1&apos;</source>
        <translation>--cpus erwartet eine ganze Zahl, nicht &apos;%1&apos;</translation>
    </message>
    <message>
        <source>--cpus is required</source>
        <translation>--cpus ist erforderlich</translation>
    </message>
    <message>
        <source>%1 is required (e.g. 512M, 2G)</source>
        <translation>%1 ist erforderlich (z. B. 512M, 2G)</translation>
    </message>
    <message>
        <source>--rate is required (price per hour, e.g. 0.5)</source>
        <translation>--rate ist erforderlich (Preis pro Stunde, z. B. 0.5)</translation>
    </message>
    <message>
        <source>--max-duration wants seconds</source>
        <translation>--max-duration erwartet Sekunden</translation>
    </message>
    <message>
        <source>no owner identity in %1 (run the CLI with the agent&apos;s --data directory): %2</source>
        <translation>keine Eigentümer-Identität in %1 (starten Sie die CLI mit dem --data-Verzeichnis des Agenten): %2</translation>
    </message>
    <message>
        <source>no running agent found for %1 (start `lender-console --headless --data %1 …` or pass --connect ADDR:PORT)</source>
        <translation>kein laufender Agent für %1 gefunden (starten Sie `lender-console --headless --data %1 …` oder geben Sie --connect ADDR:PORT an)</translation>
    </message>
    <message>
        <source>cannot reach the agent at %1: %2</source>
        <translation>der Agent unter %1 ist nicht erreichbar: %2</translation>
    </message>
    <message>
        <source>unknown command &apos;%1 %2&apos;
%3</source>
        <translation>unbekannter Befehl &apos;%1 %2&apos;
%3</translation>
    </message>
    <message>
        <source>partition %1 needs a partition ID</source>
        <translation>partition %1 braucht eine Partitions-ID</translation>
    </message>
    <message>
        <source>image add needs NAME and DIR</source>
        <translation>image add braucht NAME und DIR</translation>
    </message>
    <message>
        <source>partition lend-direct needs --borrower-id ID</source>
        <translation>partition lend-direct braucht --borrower-id ID</translation>
    </message>
    <message>
        <source>host       %1 (%2)</source>
        <translation>Host       %1 (%2)</translation>
    </message>
    <message>
        <source>reserve    %1</source>
        <translation>Reserve    %1</translation>
    </message>
    <message>
        <source>allocated  %1</source>
        <translation>zugeteilt  %1</translation>
    </message>
    <message>
        <source>available  %1</source>
        <translation>verfügbar  %1</translation>
    </message>
    <message>
        <source>libvirt    %1 (%2)</source>
        <translation>libvirt    %1 (%2)</translation>
    </message>
    <message>
        <source>%1  %2  %3 bytes</source>
        <translation>%1  %2  %3 Bytes</translation>
    </message>
    <message>
        <source>no partition %1 on this machine</source>
        <translation>keine Partition %1 auf diesem Rechner</translation>
    </message>
    <message>
        <source>deleted %1</source>
        <translation>%1 gelöscht</translation>
    </message>
    <message>
        <source>partition %1 lent directly: contract %2, key %3 (hand it to the borrower; it is shown once)</source>
        <translation>Partition %1 direkt verliehen: Vertrag %2, Schlüssel %3 (geben Sie ihn dem Entleiher; er wird nur einmal angezeigt)</translation>
    </message>
    <message>
        <source> (this contract %1 so far)</source>
        <translation> (dieser Vertrag bisher %1)</translation>
    </message>
    <message>
        <source>  lent to %1, contract %2</source>
        <translation>  verliehen an %1, Vertrag %2</translation>
    </message>
    <message>
        <source>the borrower reaches this machine at %1, agent ID %2</source>
        <translation>der Entleiher erreicht diese Maschine unter %1, Agent-ID %2</translation>
    </message>
    <message>
        <source>           NOT REACHABLE: %1</source>
        <translation>           NICHT ERREICHBAR: %1</translation>
    </message>
    <message>
        <source>%1  %2  partition %3  %4  borrower %5  submitted %6</source>
        <translation>%1  %2  Partition %3  %4  Entleiher %5  eingereicht %6</translation>
    </message>
    <message>
        <source>  ran %1 s</source>
        <translation>  lief %1 s</translation>
    </message>
    <message>
        <source>  results removed %1</source>
        <translation>  Ergebnisse entfernt %1</translation>
    </message>
    <message>
        <source>  results kept until %1</source>
        <translation>  Ergebnisse aufbewahrt bis %1</translation>
    </message>
    <message>
        <source>--limit wants a number of jobs from 1 to 1000</source>
        <translation>--limit erwartet eine Anzahl Jobs von 1 bis 1000</translation>
    </message>
    <message>
        <source>(older jobs remain: --all lists them)</source>
        <translation>(ältere Jobs gibt es noch: --all listet sie)</translation>
    </message>
    <message>
        <source>--os needs at least one image name</source>
        <translation>--os braucht mindestens einen Image-Namen</translation>
    </message>
    <message>
        <source>The market could not be reached: it is told of the withdrawal when this machine connects to it again, and a contract it concludes meanwhile is refused.</source>
        <translation>Der Marktplatz war nicht erreichbar: Er erfährt von der Rücknahme, sobald sich dieser Rechner wieder mit ihm verbindet; einen Vertrag, den er bis dahin schließt, lehnt dieser Rechner ab.</translation>
    </message>
    <message>
        <source>the agent at %1 is not the one of %2; name it with --agent-id ID (`lender-console --print-id --data ITS_DATA_DIR` prints it): %3</source>
        <translation>der Agent unter %1 ist nicht der von %2; nennen Sie ihn mit --agent-id ID (`lender-console --print-id --data SEIN_DATENVERZEICHNIS` gibt sie aus): %3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an agent ID (64 hex digits; `lender-console --print-id --data DIR` prints the ID of the agent keeping its data in DIR)</source>
        <translation>&apos;%1&apos; ist keine Agenten-ID (64 Hexadezimalziffern; `lender-console --print-id --data DIR` gibt die ID des Agenten aus, der seine Daten in DIR hält)</translation>
    </message>
    <message>
        <source>--since: &apos;%1&apos; is not a date; write 2026-05-01 or 2026-05-01T12:00:00Z</source>
        <translation>--since: &apos;%1&apos; ist kein Datum; schreiben Sie 2026-05-01 oder 2026-05-01T12:00:00Z</translation>
    </message>
    <message>
        <source>the receipt is NOT valid: %1</source>
        <translation>der Beleg ist UNGÜLTIG: %1</translation>
    </message>
    <message>
        <source>The receipt for contract %1 is valid: signed by market %2; charge %3, lender %4.</source>
        <translation>Der Beleg für Vertrag %1 ist gültig: signiert von Marktplatz %2; Gebühr %3, Verleiher %4.</translation>
    </message>
    <message>
        <source>The start receipt for contract %1 is valid: signed by market %2 when the contract began; it bills nothing (the end receipt carries the charge).</source>
        <translation>Der Beleg über den Beginn von Vertrag %1 ist gültig: signiert von Marktplatz %2, als der Vertrag begann; er berechnet nichts (die Gebühr steht im Beleg über das Ende).</translation>
    </message>
    <message>
        <source>receipt show needs a contract ID</source>
        <translation>receipt show braucht eine Vertrags-ID</translation>
    </message>
    <message>
        <source>receipt verify needs a FILE (- for standard input)</source>
        <translation>receipt verify braucht eine Datei FILE (- für die Standardeingabe)</translation>
    </message>
    <message>
        <source>--market-id: &apos;%1&apos; is not a market ID (64 hex digits)</source>
        <translation>--market-id: &apos;%1&apos; ist keine Marktplatz-ID (64 Hex-Ziffern)</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>CONTRACT</source>
        <translation>VERTRAG</translation>
    </message>
    <message>
        <source>PARTITION</source>
        <translation>PARTITION</translation>
    </message>
    <message>
        <source>BORROWER</source>
        <translation>ENTLEIHER</translation>
    </message>
    <message>
        <source>STARTED</source>
        <translation>BEGONNEN</translation>
    </message>
    <message>
        <source>ENDED</source>
        <translation>BEENDET</translation>
    </message>
    <message>
        <source>DURATION</source>
        <translation>DAUER</translation>
    </message>
    <message>
        <source>RATE/H</source>
        <translation>PREIS/H</translation>
    </message>
    <message>
        <source>CHARGE</source>
        <translation>GEBÜHR</translation>
    </message>
    <message>
        <source>PAYOUT</source>
        <translation>AUSZAHLUNG</translation>
    </message>
    <message>
        <source>(the market lists the newest 1,000: --since DATE shows older ones)</source>
        <translation>(der Marktplatz listet die neuesten 1.000: --since DATE zeigt ältere)</translation>
    </message>
    <message>
        <source>Contracts: %1; paid out %2 of %3 charged (market fee %4)</source>
        <translation>Verträge: %1; %2 von %3 Gebühren ausgezahlt (Provision des Marktplatzes %4)</translation>
    </message>
    <message>
        <source>Still running: %1 (paid once they end)</source>
        <translation>Laufen noch: %1 (ausgezahlt, sobald sie enden)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is one word too many for `%2 %3`</source>
        <translation>&apos;%1&apos; ist ein Wort zu viel für `%2 %3`</translation>
    </message>
    <message>
        <source>No contracts at this market started since %1.</source>
        <translation>Seit %1 hat bei diesem Marktplatz kein Vertrag begonnen.</translation>
    </message>
    <message>
        <source>No contracts at this market yet.</source>
        <translation>Noch keine Verträge bei diesem Marktplatz.</translation>
    </message>
    <message>
        <source>FEE</source>
        <translation>PROVISION</translation>
    </message>
    <message>
        <source>note: contract %1 is still running; this is its start receipt, which bills nothing (the end receipt comes once it ended)</source>
        <translation>Hinweis: Vertrag %1 läuft noch; dies ist sein Beleg über den Beginn, der nichts berechnet (der Beleg über das Ende kommt, sobald er endet)</translation>
    </message>
    <message>
        <source>no lender agent answers (%1); is `lender-console --headless --data %2` running? --connect ADDR:PORT names another</source>
        <translation>kein Verleiher-Agent antwortet (%1); läuft `lender-console --headless --data %2`? --connect ADDR:PORT nennt einen anderen</translation>
    </message>
    <message>
        <source>cannot read which market contract %1 was made with in %2 (--market-id ID names the market to expect): %3</source>
        <translation>in %2 lässt sich nicht lesen, mit welchem Marktplatz Vertrag %1 geschlossen wurde (--market-id ID nennt den erwarteten Marktplatz): %3</translation>
    </message>
    <message>
        <source>(--market-id ID also checks that it is your market&apos;s signature; a contract kept in the --data directory is checked against the market it was made with)</source>
        <translation>(--market-id ID prüft auch, dass es die Signatur Ihres Marktplatzes ist; ein im --data-Verzeichnis geführter Vertrag wird mit dem Marktplatz verglichen, mit dem er geschlossen wurde)</translation>
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
        <translation>Aufruf: lender-console --cli [--data DIR] [--connect ADDR:PORT] [--agent-id ID] [--json] [--language CODE] COMMAND
  machine show
  machine reserve --cpus N --memory SIZE --disk SIZE
  partition create --cpus N --memory SIZE --disk SIZE --rate DECIMAL [--os IMAGE[,IMAGE...]] [--max-duration S]
  partition alter ID [--cpus N] [--memory SIZE] [--disk SIZE] [--rate DECIMAL] [--os ...] [--max-duration S]
  partition register ID [--market-id ID] [--external]
  partition withdraw ID [--force]          --force: auch wenn der Marktplatz nicht erreichbar ist (er erfährt es später)
  partition delete ID
  partition list
  partition lend-direct ID --borrower-id ID [--borrower-name NAME]
  job list [--partition ID] [--limit N] [--all]
  image list
  image add NAME DIR
  bill list [--since DATE] [--market-id ID]  die Abrechnungen des Marktplatzes für die Verträge dieses Rechners: Gebühr, Auszahlung, Provision
  receipt show CONTRACT_ID [--market-id ID]  den vom Marktplatz signierten Beleg des Vertrags als JSON
  receipt verify FILE [--market-id ID]       einen Beleg offline prüfen (FILE - liest die Standardeingabe);
                                             Exit-Code 0: gültig, 1: ungültig oder kein Beleg
--timeout SECONDS: wie lange auf die Antwort des Agenten gewartet wird (Standard 60).
Größen wie 512M oder 2G sind erlaubt, Daten wie 2026-05-01 oder 2026-05-01T12:00:00Z (UTC). Exit-Status 0 bei Erfolg.</translation>
    </message>
    <message>
        <source>--timeout wants seconds from 1 to 86400, not &apos;%1&apos;</source>
        <translation>--timeout erwartet Sekunden von 1 bis 86400, nicht &apos;%1&apos;</translation>
    </message>
    <message>
        <source>the lease ends by itself at %1 (time limit %2 s)</source>
        <translation>die Leihe endet von selbst um %1 (Zeitlimit %2 s)</translation>
    </message>
</context>
<context>
    <name>PartitionMath</name>
    <message>
        <source>%1 CPUs wanted, %2 available</source>
        <translation>%1 CPUs gewünscht, %2 verfügbar</translation>
    </message>
    <message>
        <source>%1 memory wanted, %2 available</source>
        <translation>%1 Arbeitsspeicher gewünscht, %2 verfügbar</translation>
    </message>
    <message>
        <source>%1 disk wanted, %2 available</source>
        <translation>%1 Festplatte gewünscht, %2 verfügbar</translation>
    </message>
    <message>
        <source>negative resources: %1</source>
        <translation>negative Ressourcen: %1</translation>
    </message>
    <message>
        <source>a partition needs at least 1 CPU</source>
        <translation>eine Partition braucht mindestens 1 CPU</translation>
    </message>
    <message>
        <source>a partition needs at least 64M of memory</source>
        <translation>eine Partition braucht mindestens 64M Arbeitsspeicher</translation>
    </message>
    <message>
        <source>the machine cannot give that (host minus reserve minus other partitions): %1</source>
        <translation>der Rechner kann das nicht hergeben (Host minus Reserve minus andere Partitionen): %1</translation>
    </message>
    <message>
        <source>negative reserve: %1</source>
        <translation>negative Reserve: %1</translation>
    </message>
    <message>
        <source>that reserve does not fit beside the lendable partitions: %1</source>
        <translation>diese Reserve passt nicht neben die verleihbaren Partitionen: %1</translation>
    </message>
    <message>
        <source>a partition needs at least %1 of disk (for its job&apos;s script, inputs, outputs and console)</source>
        <translation>eine Partition braucht mindestens %1 Festplatte (für Skript, Eingaben, Ausgaben und Konsole ihres Jobs)</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Not registered — you can change it</source>
        <translation>Nicht angemeldet — Sie können sie ändern</translation>
    </message>
    <message>
        <source>Registered with market %1 — locked</source>
        <translation>Beim Marktplatz %1 angemeldet — gesperrt</translation>
    </message>
    <message>
        <source>Lent to %1 — job %2 running — locked</source>
        <translation>Verliehen an %1 — Job %2 läuft — gesperrt</translation>
    </message>
    <message>
        <source>Lent to %1 — contract %2 — locked</source>
        <translation>Verliehen an %1 — Vertrag %2 — gesperrt</translation>
    </message>
</context>
<context>
    <name>lendable::lender::BillsDialog</name>
    <message>
        <source>Market:</source>
        <translation>Marktplatz:</translation>
    </message>
    <message>
        <source>Save receipt…</source>
        <translation>Beleg speichern…</translation>
    </message>
    <message>
        <source>Bills at the Market</source>
        <translation>Abrechnungen beim Marktplatz</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Begonnen</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>Vertrag</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>Borrower</source>
        <translation>Entleiher</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Rate / h</source>
        <translation>Preis / h</translation>
    </message>
    <message>
        <source>Charge</source>
        <translation>Gebühr</translation>
    </message>
    <message>
        <source>Payout</source>
        <translation>Auszahlung</translation>
    </message>
    <message>
        <source>Market fee</source>
        <translation>Provision</translation>
    </message>
    <message>
        <source>The selected contract&apos;s receipt, signed by the market, to keep or to check with `lender-console --cli receipt verify FILE`</source>
        <translation>Der vom Marktplatz signierte Beleg des gewählten Vertrags, zum Aufbewahren oder zum Prüfen mit `lender-console --cli receipt verify FILE`</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Save receipt</source>
        <translation>Beleg speichern</translation>
    </message>
    <message>
        <source>Receipts (*.json)</source>
        <translation>Belege (*.json)</translation>
    </message>
    <message>
        <source>Not connected to the lender agent.</source>
        <translation>Nicht mit dem Verleiher-Agenten verbunden.</translation>
    </message>
    <message>
        <source>This lender agent is older than this Lender Console and cannot ask the market for bills; update it.</source>
        <translation>Dieser Verleiher-Agent ist älter als diese Lender Console und kann den Marktplatz nicht nach Abrechnungen fragen; aktualisieren Sie ihn.</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>%1 so far</source>
        <translation>bisher %1</translation>
    </message>
    <message>
        <source>when it ends</source>
        <translation>bei Vertragsende</translation>
    </message>
    <message>
        <source>The market has no contract of this machine yet.</source>
        <translation>Der Marktplatz hat noch keinen Vertrag dieses Rechners.</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Contracts: %1 · paid out %2 of %3 charged · the market&apos;s fee %4</source>
        <translation>Verträge: %1 · %2 von %3 Gebühren ausgezahlt · Provision des Marktplatzes %4</translation>
    </message>
    <message>
        <source>still running: %1 (paid when they end)</source>
        <translation>laufen noch: %1 (ausgezahlt, wenn sie enden)</translation>
    </message>
    <message>
        <source>the market lists the newest 1,000</source>
        <translation>der Marktplatz listet die neuesten 1.000</translation>
    </message>
    <message>
        <source>Asking the market…</source>
        <translation>Frage beim Marktplatz an…</translation>
    </message>
    <message>
        <source>The receipt for contract %1 is saved in %2 (signed by the market, checked here).</source>
        <translation>Der Beleg für Vertrag %1 ist in %2 gespeichert (vom Marktplatz signiert, hier geprüft).</translation>
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
        <translation>Partition %1 direkt verleihen</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>Lend this partition to one borrower, without a market: you give the borrower a key file, and its Borrower Client reaches this machine directly. Nobody is billed; end the lease here.</source>
        <translation>Diese Partition einem Entleiher ohne Markt verleihen: Sie geben dem Entleiher eine Schlüsseldatei, und sein Borrower Client erreicht diese Maschine direkt. Niemandem wird etwas berechnet; beenden Sie die Leihe hier.</translation>
    </message>
    <message>
        <source>Borrower&apos;s node ID</source>
        <translation>Knoten-ID des Entleihers</translation>
    </message>
    <message>
        <source>Borrower&apos;s name</source>
        <translation>Name des Entleihers</translation>
    </message>
    <message>
        <source>Lend</source>
        <translation>Verleihen</translation>
    </message>
    <message numerus="yes">
        <source>A node ID has 64 hex digits (this has %n characters).</source>
        <translation>
            <numerusform>Eine Knoten-ID hat 64 Hex-Ziffern (diese hat %n Zeichen).</numerusform>
            <numerusform>Eine Knoten-ID hat 64 Hex-Ziffern (diese hat %n Zeichen).</numerusform>
        </translation>
    </message>
    <message>
        <source>The name may not hold control characters.</source>
        <translation>Der Name darf keine Steuerzeichen enthalten.</translation>
    </message>
    <message>
        <source>64 hex digits</source>
        <translation>64 Hex-Ziffern</translation>
    </message>
    <message>
        <source>The borrower&apos;s machine prints it: borrower-client --print-id</source>
        <translation>Die Maschine des Entleihers zeigt sie an: borrower-client --print-id</translation>
    </message>
    <message>
        <source>The name is %1 characters long; at most %2 are kept.</source>
        <translation>Der Name ist %1 Zeichen lang; höchstens %2 werden behalten.</translation>
    </message>
</context>
<context>
    <name>lendable::lender::ImageFetcher</name>
    <message>
        <source>&apos;%1&apos; is not an image name</source>
        <translation>&apos;%1&apos; ist kein Image-Name</translation>
    </message>
    <message>
        <source>image %1 is not held here and no market is connected to fetch it from</source>
        <translation>Image %1 liegt hier nicht vor, und kein Marktplatz ist verbunden, um es zu holen</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>the market went away while image %1 was downloading</source>
        <translation>der Marktplatz ist während des Herunterladens von Image %1 verschwunden</translation>
    </message>
    <message>
        <source>cannot download image %1 from the market: %2</source>
        <translation>Image %1 kann nicht vom Marktplatz heruntergeladen werden: %2</translation>
    </message>
    <message>
        <source>the market described image %1 badly</source>
        <translation>der Marktplatz hat Image %1 fehlerhaft beschrieben</translation>
    </message>
    <message>
        <source>the market switched images in the middle of the download</source>
        <translation>der Marktplatz hat mitten im Herunterladen das Image gewechselt</translation>
    </message>
    <message>
        <source>the market sent a chunk of image %1 that does not fit (offset %2, %3 bytes)</source>
        <translation>der Marktplatz hat ein unpassendes Stück von Image %1 gesendet (Offset %2, %3 Bytes)</translation>
    </message>
    <message>
        <source>image %1 from the market does not match its SHA-256 %2; discarded</source>
        <translation>Image %1 vom Marktplatz passt nicht zu seinem SHA-256 %2; verworfen</translation>
    </message>
    <message>
        <source>cannot create a directory under %1</source>
        <translation>unter %1 kann kein Verzeichnis angelegt werden</translation>
    </message>
    <message>
        <source>cannot unpack image %1: %2</source>
        <translation>Image %1 kann nicht entpackt werden: %2</translation>
    </message>
    <message>
        <source>image %1 from the market has no image.json</source>
        <translation>Image %1 vom Marktplatz hat keine image.json</translation>
    </message>
    <message>
        <source>image %1 needs %2 MiB free under %3 to download and unpack; %4 MiB are free</source>
        <translation>Abbild %1 braucht %2 MiB freien Platz unter %3 zum Herunterladen und Entpacken; frei sind %4 MiB</translation>
    </message>
    <message>
        <source>image %1 needs %2 MiB free under %3 to keep it; %4 MiB are free</source>
        <translation>Abbild %1 braucht %2 MiB freien Platz unter %3, um es aufzubewahren; frei sind %4 MiB</translation>
    </message>
</context>
<context>
    <name>lendable::lender::JobsDialog</name>
    <message>
        <source>Older jobs</source>
        <translation>Ältere Jobs</translation>
    </message>
    <message>
        <source>Jobs on This Machine</source>
        <translation>Jobs auf diesem Rechner</translation>
    </message>
    <message>
        <source>All partitions</source>
        <translation>Alle Partitionen</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>Eingereicht</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Job</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>Borrower</source>
        <translation>Entleiher</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>Betriebssystem</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Ran</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Partition:</source>
        <translation>Partition:</translation>
    </message>
    <message>
        <source>Not connected to the lender agent.</source>
        <translation>Nicht mit dem Verleiher-Agenten verbunden.</translation>
    </message>
    <message>
        <source>This lender agent is older than this Lender Console and cannot list its jobs; update it.</source>
        <translation>Dieser Verleiher-Agent ist älter als diese Lender Console und kann seine Jobs nicht auflisten; aktualisieren Sie ihn.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1, exit code %2</source>
        <translation>%1, Exit-Code %2</translation>
    </message>
    <message>
        <source>removed %1</source>
        <translation>entfernt %1</translation>
    </message>
    <message>
        <source>kept until %1</source>
        <translation>aufbewahrt bis %1</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>aufbewahrt</translation>
    </message>
    <message>
        <source>%1 so far</source>
        <translation>%1 bisher</translation>
    </message>
    <message>
        <source>No job has run on this machine yet.</source>
        <translation>Auf diesem Rechner ist noch kein Job gelaufen.</translation>
    </message>
    <message>
        <source>Jobs shown: the newest %1; older ones remain.</source>
        <translation>Angezeigte Jobs: die neuesten %1; es gibt ältere.</translation>
    </message>
    <message>
        <source>Jobs shown: %1, all of them.</source>
        <translation>Angezeigte Jobs: %1, alle.</translation>
    </message>
</context>
<context>
    <name>lendable::lender::KeyFileDialog</name>
    <message>
        <source>Save key file…</source>
        <translation>Schlüsseldatei speichern…</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Key for Partition %1</source>
        <translation>Schlüssel für Partition %1</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>Kopiert.</translation>
    </message>
    <message>
        <source>Save key file</source>
        <translation>Schlüsseldatei speichern</translation>
    </message>
    <message>
        <source>Key files (*.json)</source>
        <translation>Schlüsseldateien (*.json)</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Saved to %1 (readable by you only).</source>
        <translation>Gespeichert unter %1 (nur für Sie lesbar).</translation>
    </message>
    <message>
        <source>Close without saving or copying the key? It cannot be shown again: the borrower could not use the partition until you end the lease and lend it anew.</source>
        <translation>Schließen, ohne den Schlüssel zu speichern oder zu kopieren? Er kann nicht erneut angezeigt werden: Der Entleiher könnte die Partition erst nutzen, wenn Sie die Leihe beenden und neu verleihen.</translation>
    </message>
    <message>
        <source>Partition %1 is lent to %2, contract %3.
Give the borrower this key file; it is shown only now. The borrower runs jobs with: borrower-client --cli submit --key-file FILE …</source>
        <translation>Partition %1 ist an %2 verliehen, Vertrag %3.
Geben Sie dem Entleiher diese Schlüsseldatei; sie wird nur jetzt angezeigt. Der Entleiher startet Jobs mit: borrower-client --cli submit --key-file DATEI …</translation>
    </message>
    <message>
        <source>The lease ends by itself at %1 (the partition&apos;s time limit, %2 h:mm:ss).</source>
        <translation>Die Leihe endet von selbst um %1 (das Zeitlimit der Partition, %2 h:mm:ss).</translation>
    </message>
</context>
<context>
    <name>lendable::lender::LenderWindow</name>
    <message>
        <source>Lendable Lender Console</source>
        <translation>Lendable Verleiher-Konsole</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>Ü&amp;ber</translation>
    </message>
    <message>
        <source>Partition your machine and lend what you do not use.</source>
        <translation>Teilen Sie Ihren Rechner in Partitionen auf und verleihen Sie, was Sie nicht nutzen.</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Lendable</source>
        <translation>Lendable</translation>
    </message>
    <message>
        <source>Still lending in the background. Quit from the tray menu.</source>
        <translation>Verleiht im Hintergrund weiter. Beenden über das Menü im Infobereich.</translation>
    </message>
    <message numerus="yes">
        <source>Lendable: %n partition(s) lent, %1 offered</source>
        <translation>
            <numerusform>Lendable: %n Partition verliehen, %1 angeboten</numerusform>
            <numerusform>Lendable: %n Partitionen verliehen, %1 angeboten</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 lent, %2 offered</source>
        <translation>%1 verliehen, %2 angeboten</translation>
    </message>
    <message>
        <source>This machine (%1)</source>
        <translation>Dieser Rechner (%1)</translation>
    </message>
</context>
<context>
    <name>lendable::lender::MachineBar</name>
    <message>
        <source>Host: %1 vCPU, %2 memory, %3 disk</source>
        <translation>Host: %1 vCPU, %2 Arbeitsspeicher, %3 Festplatte</translation>
    </message>
    <message>
        <source>Owner&apos;s reserve: %1 vCPU, %2, %3</source>
        <translation>Reserve des Eigentümers: %1 vCPU, %2, %3</translation>
    </message>
    <message>
        <source>%1: %2 vCPU, %3, %4</source>
        <translation>%1: %2 vCPU, %3, %4</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Arbeitsspeicher</translation>
    </message>
    <message>
        <source>Disk</source>
        <translation>Festplatte</translation>
    </message>
    <message>
        <source>owner %1</source>
        <translation>Eigentümer %1</translation>
    </message>
    <message>
        <source>owner&apos;s reserve</source>
        <translation>Reserve des Besitzers</translation>
    </message>
    <message>
        <source>partition %1</source>
        <translation>Partition %1</translation>
    </message>
    <message>
        <source>free</source>
        <translation>frei</translation>
    </message>
</context>
<context>
    <name>lendable::lender::MachineTab</name>
    <message>
        <source>New partition</source>
        <translation>Neue Partition</translation>
    </message>
    <message>
        <source>Owner&apos;s reserve (never lent)</source>
        <translation>Reserve des Eigentümers (wird nie verliehen)</translation>
    </message>
    <message>
        <source>vCPUs</source>
        <translation>vCPUs</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Arbeitsspeicher</translation>
    </message>
    <message>
        <source>Disk</source>
        <translation>Festplatte</translation>
    </message>
    <message>
        <source>not connected to the lender agent</source>
        <translation>nicht mit dem Verleiher-Agenten verbunden</translation>
    </message>
    <message>
        <source>%1. Running jobs go on, but no new job can start until the agent is connected to libvirt again, which it does by itself.</source>
        <translation>%1. Laufende Jobs laufen weiter, aber kein neuer Job kann starten, bis der Agent wieder mit libvirt verbunden ist; das geschieht von selbst.</translation>
    </message>
    <message>
        <source>Jobs…</source>
        <translation>Jobs…</translation>
    </message>
    <message>
        <source>The jobs borrowers ran on this machine, and what became of their results</source>
        <translation>Die Jobs, die Entleiher auf diesem Rechner ausgeführt haben, und was aus ihren Ergebnissen wurde</translation>
    </message>
    <message>
        <source>Partition %1 is withdrawn here; its market is told when this machine reaches it again.</source>
        <translation>Partition %1 ist hier zurückgenommen; ihr Marktplatz erfährt es, sobald dieser Rechner ihn wieder erreicht.</translation>
    </message>
    <message>
        <source>Withdraw partition</source>
        <translation>Partition zurücknehmen</translation>
    </message>
    <message>
        <source>The market of partition %1 cannot be reached now.</source>
        <translation>Der Marktplatz von Partition %1 ist gerade nicht erreichbar.</translation>
    </message>
    <message>
        <source>Withdraw it here anyway? The partition is yours again at once, and the market is told when this machine reaches it again. A borrower who contracts it there meanwhile is refused, which counts against this machine&apos;s reliability.</source>
        <translation>Trotzdem hier zurücknehmen? Die Partition gehört sofort wieder Ihnen, und der Marktplatz erfährt es, sobald dieser Rechner ihn wieder erreicht. Wer sie dort bis dahin leiht, wird abgewiesen; das zählt gegen die Zuverlässigkeit dieses Rechners.</translation>
    </message>
    <message>
        <source>Withdraw anyway</source>
        <translation>Trotzdem zurücknehmen</translation>
    </message>
    <message>
        <source>%1 — %2 vCPU, %3 memory, %4 free disk · available to lend: %5 vCPU, %6 memory, %7 disk · %8 (%9)</source>
        <translation>%1 — %2 vCPU, %3 Arbeitsspeicher, %4 freie Festplatte · verleihbar: %5 vCPU, %6 Arbeitsspeicher, %7 Festplatte · %8 (%9)</translation>
    </message>
    <message>
        <source>Exactly: %1 memory, %2 disk; available %3 memory, %4 disk. The disk is the free space of the file system holding the agent&apos;s data, plus what running jobs already wrote.</source>
        <translation>Genau: %1 Arbeitsspeicher, %2 Festplatte; verleihbar %3 Arbeitsspeicher, %4 Festplatte. Die Festplatte ist der freie Platz des Dateisystems mit den Daten des Agenten, dazu was laufende Jobs schon geschrieben haben.</translation>
    </message>
    <message numerus="yes">
        <source>%n vCPU(s)</source>
        <translation>
            <numerusform>%n vCPU</numerusform>
            <numerusform>%n vCPUs</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of memory</source>
        <translation>%1 Arbeitsspeicher</translation>
    </message>
    <message>
        <source>%1 of disk</source>
        <translation>%1 Festplatte</translation>
    </message>
    <message>
        <source> and </source>
        <translation> und </translation>
    </message>
    <message>
        <source>The partitions and your reserve were promised %1 more than this machine has now: a job may not get all that its partition promises (a full disk stops it). Make a partition or the reserve smaller, or free space on the disk.</source>
        <translation>Den Partitionen und Ihrer Reserve wurde %1 mehr zugesagt, als dieser Rechner jetzt hat: ein Job bekommt vielleicht nicht alles, was seine Partition zusagt (eine volle Festplatte hält ihn an). Verkleinern Sie eine Partition oder die Reserve, oder schaffen Sie Platz auf der Festplatte.</translation>
    </message>
    <message>
        <source>Bills…</source>
        <translation>Abrechnungen…</translation>
    </message>
    <message>
        <source>What the market bills for this machine&apos;s contracts: your payouts, its fees, and signed receipts</source>
        <translation>Was der Marktplatz für die Verträge dieses Rechners abrechnet: Ihre Auszahlungen, seine Provisionen und signierte Belege</translation>
    </message>
    <message>
        <source>Partition %1 is lent, and its allocation was changed behind the agent&apos;s back (%2).</source>
        <translation>Partition %1 ist verliehen, und ihre Zuteilung wurde am Agenten vorbei geändert (%2).</translation>
    </message>
    <message>
        <source>The agent put the lease back and reported it to the market. Change a partition only when it is not lent.</source>
        <translation>Der Agent hat die Zuteilung des Vertrags wiederhergestellt und es dem Marktplatz gemeldet. Ändern Sie eine Partition nur, wenn sie nicht verliehen ist.</translation>
    </message>
    <message>
        <source>The agent put the lease back. Change a partition only when it is not lent.</source>
        <translation>Der Agent hat die Zuteilung des Vertrags wiederhergestellt. Ändern Sie eine Partition nur, wenn sie nicht verliehen ist.</translation>
    </message>
    <message>
        <source>The agent could not put the lease back: the market ends the contract and counts it against this machine&apos;s reliability.</source>
        <translation>Der Agent konnte die Zuteilung des Vertrags nicht wiederherstellen: Der Marktplatz beendet den Vertrag und wertet es zulasten der Zuverlässigkeit dieses Rechners.</translation>
    </message>
    <message>
        <source>The agent could not put the lease back: the borrower no longer has what was leased; end the lease if it cannot be given back.</source>
        <translation>Der Agent konnte die Zuteilung des Vertrags nicht wiederherstellen: Der Entleiher hat nicht mehr, was verliehen wurde; beenden Sie die Leihe, wenn es sich nicht zurückgeben lässt.</translation>
    </message>
    <message>
        <source>Lost the connection to the lender agent (%1). Connecting again… What is shown is from before.</source>
        <translation>Die Verbindung zum Verleih-Agenten ist verloren (%1). Verbinde erneut … Das Angezeigte ist von vorher.</translation>
    </message>
    <message>
        <source>Lost the connection to the lender agent (%1). What is shown is from before.</source>
        <translation>Die Verbindung zum Verleih-Agenten ist verloren (%1). Das Angezeigte ist von vorher.</translation>
    </message>
    <message>
        <source>Lost the connection to the lender agent: %1</source>
        <translation>Die Verbindung zum Verleih-Agenten ist verloren: %1</translation>
    </message>
    <message>
        <source>Lost the connection to the lender agent. Trying again in %1 s (%2). What is shown is from before.</source>
        <translation>Die Verbindung zum Verleih-Agenten ist verloren. Neuer Versuch in %1 s (%2). Das Angezeigte ist von vorher.</translation>
    </message>
    <message>
        <source>cannot connect</source>
        <translation>keine Verbindung möglich</translation>
    </message>
    <message>
        <source>Connected to the lender agent again.</source>
        <translation>Wieder mit dem Verleih-Agenten verbunden.</translation>
    </message>
    <message>
        <source>the lender agent</source>
        <translation>der Verleih-Agent</translation>
    </message>
    <message>
        <source>Connecting to the lender agent…</source>
        <translation>Verbinde mit dem Verleih-Agenten …</translation>
    </message>
    <message>
        <source>Not connected to the lender agent yet (%1). Trying again in %2 s.</source>
        <translation>Noch nicht mit dem Verleih-Agenten verbunden (%1). Neuer Versuch in %2 s.</translation>
    </message>
    <message>
        <source>Cannot connect to a lender agent: %1. Its tab tries again by itself.</source>
        <translation>Keine Verbindung zu einem Verleih-Agenten: %1. Sein Reiter versucht es von selbst erneut.</translation>
    </message>
</context>
<context>
    <name>lendable::lender::PartitionCard</name>
    <message>
        <source>Register</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Withdraw</source>
        <translation>Zurückziehen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>vCPUs</source>
        <translation>vCPUs</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Arbeitsspeicher</translation>
    </message>
    <message>
        <source>Disk</source>
        <translation>Festplatte</translation>
    </message>
    <message>
        <source>Rate per hour</source>
        <translation>Preis pro Stunde</translation>
    </message>
    <message>
        <source>OS images</source>
        <translation>OS-Images</translation>
    </message>
    <message>
        <source>Partition %1</source>
        <translation>Partition %1</translation>
    </message>
    <message>
        <source>Locked: the allocation cannot change while registered or lent</source>
        <translation>Gesperrt: die Zuteilung kann sich nicht ändern, solange die Partition angemeldet oder verliehen ist</translation>
    </message>
    <message>
        <source>Earned %1</source>
        <translation>Verdient: %1</translation>
    </message>
    <message>
        <source>Earned %1 · this contract %2 so far</source>
        <translation>Verdient: %1 · dieser Vertrag bisher %2</translation>
    </message>
    <message>
        <source>Borrower: %1
Node ID: %2</source>
        <translation>Entleiher: %1
Knoten-ID: %2</translation>
    </message>
    <message>
        <source>(no name given)</source>
        <translation>(kein Name angegeben)</translation>
    </message>
    <message>
        <source>Lend directly…</source>
        <translation>Direkt verleihen…</translation>
    </message>
    <message>
        <source>Lend this partition to one borrower on your network, without a market</source>
        <translation>Diese Partition einem Entleiher in Ihrem Netz ohne Markt verleihen</translation>
    </message>
    <message>
        <source>End Lease</source>
        <translation>Leihe beenden</translation>
    </message>
    <message>
        <source>End the direct lease: the borrower&apos;s key stops working</source>
        <translation>Die direkte Leihe beenden: Der Schlüssel des Entleihers wird ungültig</translation>
    </message>
    <message>
        <source>none — or e.g. 2h, 1d, 1:30:00</source>
        <translation>keines — oder z. B. 2h, 1d, 1:30:00</translation>
    </message>
    <message>
        <source>The longest a contract may run (hours:minutes:seconds, or an amount such as 90m, 2h or 1d): the market ends it then. Empty for no limit.</source>
        <translation>Die längste Laufzeit eines Vertrags (Stunden:Minuten:Sekunden oder eine Angabe wie 90m, 2h oder 1d): dann beendet ihn der Marktplatz. Leer für keine Begrenzung.</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>Zeitlimit</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keines</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Lendable Lender Console</source>
        <translation>Lendable Verleiher-Konsole</translation>
    </message>
    <message>
        <source>Lendable Lender Console: partition your machine and lend it.</source>
        <translation>Lendable Verleiher-Konsole: Teilen Sie Ihren Rechner in Partitionen auf und verleihen Sie ihn.</translation>
    </message>
    <message>
        <source>Run without a window (handled by the launcher).</source>
        <translation>Ohne Fenster laufen (übernimmt der Starter).</translation>
    </message>
    <message>
        <source>Command-line mode (handled by the launcher).</source>
        <translation>Kommandozeilenmodus (übernimmt der Starter).</translation>
    </message>
    <message>
        <source>libvirt connection URI.</source>
        <translation>libvirt-Verbindungs-URI.</translation>
    </message>
    <message>
        <source>Attach to a running agent (repeatable: a tab per machine).</source>
        <translation>Mit einem laufenden Agenten verbinden (wiederholbar: ein Reiter pro Rechner).</translation>
    </message>
    <message>
        <source>Node ID of each --connect agent, in order (default: from the data directory&apos;s agent.address).</source>
        <translation>Knoten-ID jedes --connect-Agenten, in derselben Reihenfolge (Standard: aus agent.address im Datenverzeichnis).</translation>
    </message>
    <message>
        <source>give one --agent-id per --connect</source>
        <translation>geben Sie je --connect eine --agent-id an</translation>
    </message>
    <message>
        <source>Lendable Lender Console: the lender agent (partitions, lock, jobs) and its desktop app.</source>
        <translation>Lendable Verleiher-Konsole: der Verleiher-Agent (Partitionen, Sperre, Jobs) und seine Desktop-Anwendung.</translation>
    </message>
    <message>
        <source>Run the lender agent without a window.</source>
        <translation>Den Verleiher-Agenten ohne Fenster ausführen.</translation>
    </message>
    <message>
        <source>Run one owner command against the running agent (see --cli --help).</source>
        <translation>Einen Eigentümer-Befehl gegen den laufenden Agenten ausführen (siehe --cli --help).</translation>
    </message>
    <message>
        <source>Address the agent serves borrowers and the owner on.</source>
        <translation>Adresse, unter der der Agent Entleiher und den Eigentümer bedient.</translation>
    </message>
    <message>
        <source>host:port the markets give borrowers (default: the listen address).</source>
        <translation>host:port, den die Marktplätze an Entleiher weitergeben (Standard: die Listen-Adresse).</translation>
    </message>
    <message>
        <source>A market to register partitions with (repeatable).</source>
        <translation>Ein Marktplatz, bei dem Partitionen angemeldet werden (wiederholbar).</translation>
    </message>
    <message>
        <source>Node ID of that market (repeatable, in the same order).</source>
        <translation>Knoten-ID dieses Marktplatzes (wiederholbar, in derselben Reihenfolge).</translation>
    </message>
    <message>
        <source>Another node ID allowed to act as the machine&apos;s owner (repeatable).</source>
        <translation>Eine weitere Knoten-ID, die als Eigentümer des Rechners handeln darf (wiederholbar).</translation>
    </message>
    <message>
        <source>Lender name shown to borrowers.</source>
        <translation>Name des Verleihers, den Entleiher sehen.</translation>
    </message>
    <message>
        <source>Default job time limit in seconds.</source>
        <translation>Standard-Zeitlimit für Jobs in Sekunden.</translation>
    </message>
    <message>
        <source>Attach to a running agent instead of starting one (repeatable in the GUI).</source>
        <translation>Mit einem laufenden Agenten verbinden, statt einen zu starten (in der GUI wiederholbar).</translation>
    </message>
    <message>
        <source>give one --market-id per --market (%1 markets, %2 IDs)</source>
        <translation>geben Sie je --market eine --market-id an (%1 Marktplätze, %2 IDs)</translation>
    </message>
    <message>
        <source>--virt-type is qemu or kvm</source>
        <translation>--virt-type ist qemu oder kvm</translation>
    </message>
    <message>
        <source>--job-timeout wants seconds</source>
        <translation>--job-timeout erwartet Sekunden</translation>
    </message>
    <message>
        <source>Domain type: qemu (TCG) or kvm. Default: kvm if a timed smoke boot passes (tested once, cached in the data directory), else qemu.</source>
        <translation>Domänentyp: qemu (TCG) oder kvm. Standard: kvm, wenn ein zeitlich begrenzter Probestart gelingt (einmal getestet, im Datenverzeichnis gespeichert), sonst qemu.</translation>
    </message>
    <message>
        <source>--%1 sets up the embedded agent; with --connect each agent keeps its own settings</source>
        <translation>--%1 richtet den eingebetteten Agenten ein; mit --connect behält jeder Agent seine eigenen Einstellungen</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a node ID (64 hex characters)</source>
        <translation>&apos;%1&apos; ist keine Knoten-ID (64 Hex-Zeichen)</translation>
    </message>
    <message>
        <source>--name is %1 characters long; markets keep at most %2</source>
        <translation>--name ist %1 Zeichen lang; Marktplätze behalten höchstens %2</translation>
    </message>
    <message>
        <source>--name contains a control character (U+%1)</source>
        <translation>--name enthält ein Steuerzeichen (U+%1)</translation>
    </message>
    <message>
        <source>--keep-results wants days from 0 (for ever) to 3660, not &apos;%1&apos;</source>
        <translation>--keep-results erwartet Tage von 0 (für immer) bis 3660, nicht &apos;%1&apos;</translation>
    </message>
    <message>
        <source>Do not pin running partitions to host CPUs of their own (vcpupin); the host&apos;s scheduler places their vCPUs.</source>
        <translation>Laufende Partitionen nicht an eigene Host-CPUs binden (vcpupin); der Scheduler des Hosts verteilt ihre vCPUs.</translation>
    </message>
    <message>
        <source>Days a finished job&apos;s output files and console are kept for its borrower (default %1; 0 = for ever).</source>
        <translation>Tage, die die Ausgabedateien und die Konsole eines beendeten Jobs für seinen Entleiher aufbewahrt werden (Standard %1; 0 = für immer).</translation>
    </message>
    <message>
        <source>--advertise: %1</source>
        <translation>--advertise: %1</translation>
    </message>
    <message>
        <source>Seconds a borrower&apos;s or owner&apos;s connection may stay silent before the agent closes it, 30 to 86400, or 0 for never (default 300).</source>
        <translation>Sekunden, die die Verbindung eines Entleihers oder Besitzers still bleiben darf, bevor der Agent sie schließt, 30 bis 86400, oder 0 für nie (Vorgabe 300).</translation>
    </message>
</context>
</TS>
