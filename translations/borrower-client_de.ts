<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>BorrowerCli</name>
    <message>
        <source>cannot read the %1 %2: %3</source>
        <translation>%1 %2 kann nicht gelesen werden: %3</translation>
    </message>
    <message>
        <source>the %1 %2 is %3 bytes; at most %4 bytes go with a job</source>
        <translation>%1 %2 ist %3 Bytes groß; höchstens %4 Bytes gehen mit einem Job mit</translation>
    </message>
    <message>
        <source>Contract %1: partition %2 of lender %3 at %4, %5 per hour, started %6.
The lending key is kept in %7.
</source>
        <translation>Vertrag %1: Partition %2 von Verleiher %3 unter %4, %5 pro Stunde, begonnen %6.
Der Leihschlüssel liegt in %7.
</translation>
    </message>
    <message>
        <source>Key: %1
</source>
        <translation>Schlüssel: %1
</translation>
    </message>
    <message>
        <source>the key file %1 is for contract %2, not %3</source>
        <translation>die Schlüsseldatei %1 gehört zu Vertrag %2, nicht %3</translation>
    </message>
    <message>
        <source>script</source>
        <translation>Skript</translation>
    </message>
    <message>
        <source>input file</source>
        <translation>Eingabedatei</translation>
    </message>
    <message>
        <source>two input files are named %1; they would overwrite each other in /job/in</source>
        <translation>zwei Eingabedateien heißen %1; sie würden sich in /job/in gegenseitig überschreiben</translation>
    </message>
    <message>
        <source>Job %1 submitted; follow it with `borrower-client --cli logs %1 --follow`.
</source>
        <translation>Job %1 übermittelt; verfolgen Sie ihn mit `borrower-client --cli logs %1 --follow`.
</translation>
    </message>
    <message>
        <source>job %1 %2%3%4
</source>
        <translation>Job %1 %2%3%4
</translation>
    </message>
    <message>
        <source>, exit code %1</source>
        <translation>, Exit-Code %1</translation>
    </message>
    <message>
        <source>Job %1 %2%3%4.
</source>
        <translation>Job %1: %2%3%4.
</translation>
    </message>
    <message>
        <source>Job %1 cancelled.
</source>
        <translation>Job %1 abgebrochen.
</translation>
    </message>
    <message>
        <source>warning: %1
</source>
        <translation>Warnung: %1
</translation>
    </message>
    <message>
        <source>Contract %1 ended after %2; charge %3%4.
</source>
        <translation>Vertrag %1 nach %2 beendet; Gebühr %3%4.
</translation>
    </message>
    <message>
        <source> (the receipt does NOT verify)</source>
        <translation> (der Beleg lässt sich NICHT verifizieren)</translation>
    </message>
    <message>
        <source> (signed receipt verified)</source>
        <translation> (signierter Beleg verifiziert)</translation>
    </message>
    <message>
        <source>Total: %1
</source>
        <translation>Summe: %1
</translation>
    </message>
    <message>
        <source>The receipt for contract %1 is valid: signed by market %2; charge %3.
</source>
        <translation>Der Beleg für Vertrag %1 ist gültig: signiert von Marktplatz %2; Gebühr %3.
</translation>
    </message>
    <message>
        <source>%1 (see `borrower-client --cli --help`)</source>
        <translation>%1 (siehe `borrower-client --cli --help`)</translation>
    </message>
    <message>
        <source>--%1 wants a whole number of at least %2, not &apos;%3&apos;</source>
        <translation>--%1 erwartet eine ganze Zahl von mindestens %2, nicht &apos;%3&apos;</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a date; write 2024-05-01 or 2024-05-01T12:00:00Z</source>
        <translation>&apos;%1&apos; ist kein Datum; schreiben Sie 2024-05-01 oder 2024-05-01T12:00:00Z</translation>
    </message>
    <message>
        <source>--%1 does not apply to `%2`</source>
        <translation>--%1 gilt nicht für `%2`</translation>
    </message>
    <message>
        <source>direct mode (--lender, --lender-id, --key-file) works with submit, logs, wait and cancel, not with `%1`</source>
        <translation>der Direktmodus (--lender, --lender-id, --key-file) funktioniert mit submit, logs, wait und cancel, nicht mit `%1`</translation>
    </message>
    <message>
        <source>direct mode needs --key-file FILE (the file the partition&apos;s owner gave you)</source>
        <translation>der Direktmodus braucht --key-file FILE (die Datei, die Ihnen der Eigentümer der Partition gegeben hat)</translation>
    </message>
    <message>
        <source>`%1` takes one %2, got: %3</source>
        <translation>`%1` erwartet genau ein %2, erhalten: %3</translation>
    </message>
    <message>
        <source>`%1` needs %2</source>
        <translation>`%1` braucht %2</translation>
    </message>
    <message>
        <source>`%1` takes no arguments, got: %2</source>
        <translation>`%1` erwartet keine Argumente, erhalten: %2</translation>
    </message>
    <message>
        <source>OFFER_ID</source>
        <translation>OFFER_ID</translation>
    </message>
    <message>
        <source>`borrow` needs either an OFFER_ID or --query &quot;…&quot; (the best match), not both</source>
        <translation>`borrow` braucht entweder eine OFFER_ID oder --query &quot;…&quot; (den besten Treffer), nicht beides</translation>
    </message>
    <message>
        <source>CONTRACT_ID</source>
        <translation>CONTRACT_ID</translation>
    </message>
    <message>
        <source>`submit` needs --os IMAGE (an image the offer lists, e.g. busybox)</source>
        <translation>`submit` braucht --os IMAGE (ein Image, das das Angebot nennt, z. B. busybox)</translation>
    </message>
    <message>
        <source>`submit` needs --script FILE (run by /bin/sh in the guest)</source>
        <translation>`submit` braucht --script FILE (ausgeführt von /bin/sh im Gast)</translation>
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
        <translation>kein Angebot passt (der Marktplatz hat keine freie passende Partition)</translation>
    </message>
    <message>
        <source>no offer matches: %1</source>
        <translation>kein Angebot passt: %1</translation>
    </message>
    <message>
        <source>OFFER</source>
        <translation>ANGEBOT</translation>
    </message>
    <message>
        <source>CPUS</source>
        <translation>CPUS</translation>
    </message>
    <message>
        <source>MEMORY</source>
        <translation>SPEICHER</translation>
    </message>
    <message>
        <source>DISK</source>
        <translation>FESTPLATTE</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>OS</translation>
    </message>
    <message>
        <source>RATE/H</source>
        <translation>PREIS/H</translation>
    </message>
    <message>
        <source>LENDER</source>
        <translation>VERLEIHER</translation>
    </message>
    <message>
        <source>CONTRACT</source>
        <translation>VERTRAG</translation>
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
        <source>CHARGE</source>
        <translation>GEBÜHR</translation>
    </message>
    <message numerus="yes">
        <source>%1 excluded %n offer(s)</source>
        <translation>
            <numerusform>%1 schloss %n Angebot aus</numerusform>
            <numerusform>%1 schloss %n Angebote aus</numerusform>
        </translation>
    </message>
    <message>
        <source>NAME (in quotes if it has spaces)</source>
        <translation>NAME (in Anführungszeichen, wenn er Leerzeichen enthält)</translation>
    </message>
    <message>
        <source>No name: the market&apos;s managers and the lenders you borrow from see your node ID %1.
</source>
        <translation>Kein Name: Die Verwalter des Marktplatzes und die Verleiher, bei denen Sie leihen, sehen Ihre Knoten-ID %1.
</translation>
    </message>
    <message>
        <source>The market&apos;s managers and the lenders you borrow from see you as &quot;%1&quot;.
</source>
        <translation>Die Verwalter des Marktplatzes und die Verleiher, bei denen Sie leihen, sehen Sie als &quot;%1&quot;.
</translation>
    </message>
    <message>
        <source>job %1 did not succeed: it %2
</source>
        <translation>Job %1 war nicht erfolgreich: er %2
</translation>
    </message>
    <message>
        <source>ended %1 with exit code %2</source>
        <translation>endete als %1 mit Exit-Code %2</translation>
    </message>
    <message>
        <source>ended %1</source>
        <translation>endete als %1</translation>
    </message>
    <message>
        <source>no contracts are kept in %1 (is --data right?)</source>
        <translation>in %1 sind keine Verträge gespeichert (stimmt --data?)</translation>
    </message>
    <message>
        <source>no signed receipt is kept for contract %1%2</source>
        <translation>für Vertrag %1 ist kein signierter Beleg gespeichert%2</translation>
    </message>
    <message>
        <source>: it was lent directly, without a market</source>
        <translation>: er wurde direkt verliehen, ohne Marktplatz</translation>
    </message>
    <message>
        <source>%1 of %2 matching offers shown; %3
</source>
        <translation>%1 von %2 passenden Angeboten gezeigt; %3
</translation>
    </message>
    <message>
        <source>--limit N shows more (up to 1000), or narrow the query</source>
        <translation>--limit N zeigt mehr (bis 1000), oder grenzen Sie die Suche ein</translation>
    </message>
    <message>
        <source>The start receipt for contract %1 is valid: signed by market %2 when the contract began; it bills nothing (the end receipt carries the charge).
</source>
        <translation>Der Beleg über den Beginn von Vertrag %1 ist gültig: signiert von Marktplatz %2, als der Vertrag begann; er berechnet nichts (die Gebühr steht im Beleg über das Ende).
</translation>
    </message>
    <message>
        <source>--limit wants a number of offers from 1 to 1000, not %1</source>
        <translation>--limit will eine Anzahl Angebote von 1 bis 1000, nicht %1</translation>
    </message>
    <message>
        <source>`%1` needs %2, not an empty word</source>
        <translation>`%1` braucht %2, kein leeres Wort</translation>
    </message>
    <message>
        <source>warning: contract %1 ended on %2, but no end receipt is kept here (the market ended it on its own); this is its start receipt, which bills nothing. `receipt fetch %1` gets the end receipt from the market
</source>
        <translation>Warnung: Vertrag %1 endete am %2, aber hier ist kein Beleg über das Ende gespeichert (der Marktplatz hat ihn selbst beendet); dies ist sein Beleg über den Beginn, der nichts berechnet. `receipt fetch %1` holt den Beleg über das Ende vom Marktplatz
</translation>
    </message>
    <message>
        <source>write `receipt verify FILE`, `receipt show CONTRACT_ID` or `receipt fetch CONTRACT_ID`</source>
        <translation>schreiben Sie `receipt verify FILE`, `receipt show CONTRACT_ID` oder `receipt fetch CONTRACT_ID`</translation>
    </message>
    <message>
        <source>note: contract %1 is still running; this is its start receipt, which bills nothing (the end receipt comes once it ended)
</source>
        <translation>Hinweis: Vertrag %1 läuft noch; dies ist sein Beleg über den Beginn, der nichts berechnet (der Beleg über das Ende kommt, sobald er endet)
</translation>
    </message>
    <message>
        <source>the market gives at most %1 per request: --offset %1 shows the next ones, or narrow the query</source>
        <translation>der Marktplatz gibt höchstens %1 je Anfrage: --offset %1 zeigt die nächsten, oder schränken Sie die Suche ein</translation>
    </message>
    <message>
        <source>offers %1 to %2 of %3 matching shown%4
</source>
        <translation>Angebote %1 bis %2 von %3 passenden gezeigt%4
</translation>
    </message>
    <message>
        <source>; --offset %1 shows the next ones</source>
        <translation>; --offset %1 zeigt die nächsten</translation>
    </message>
    <message>
        <source>--offset wants a number of offers to skip from 0 to %1, not %2</source>
        <translation>--offset erwartet eine Zahl zu überspringender Angebote von 0 bis %1, nicht %2</translation>
    </message>
    <message numerus="yes">
        <source>%n offer(s) match, fewer than the %1 skipped
</source>
        <translation>
            <numerusform>%n Angebot passt, weniger als die %1 übersprungenen
</numerusform>
            <numerusform>%n Angebote passen, weniger als die %1 übersprungenen
</numerusform>
        </translation>
    </message>
    <message>
        <source>cannot read which market contract %1 was made with in %2 (--market-id ID names the market to expect): %3</source>
        <translation>in %2 lässt sich nicht lesen, mit welchem Marktplatz Vertrag %1 geschlossen wurde (--market-id ID nennt den erwarteten Marktplatz): %3</translation>
    </message>
    <message>
        <source>The market ends it by itself at %1 (time limit %2 s).
</source>
        <translation>Der Marktplatz beendet ihn von selbst um %1 (Zeitlimit %2 s).
</translation>
    </message>
    <message>
        <source>Note: job %1 may run for %2 s, but the market ends contract %3 at %4 (its time limit): a job still running then is stopped, and its outputs are lost.
</source>
        <translation>Hinweis: Auftrag %1 darf %2 s laufen, aber der Marktplatz beendet Vertrag %3 um %4 (sein Zeitlimit): ein dann noch laufender Auftrag wird gestoppt, und seine Ausgaben gehen verloren.
</translation>
    </message>
    <message>
        <source>--max-rate, --min-time-limit and --os go with `borrow OFFER_ID`; with --query, write them in it (rate&lt;=1.5 time&gt;=8h os=busybox)</source>
        <translation>--max-rate, --min-time-limit und --os gehören zu `borrow OFFER_ID`; mit --query schreiben Sie sie in die Abfrage (rate&lt;=1.5 time&gt;=8h os=busybox)</translation>
    </message>
    <message>
        <source>--max-rate wants a rate per hour such as 1.5, not &apos;%1&apos;</source>
        <translation>--max-rate erwartet einen Preis pro Stunde wie 1.5, nicht &apos;%1&apos;</translation>
    </message>
    <message>
        <source>--min-time-limit wants a duration such as 8h, 1:30:00 or 3600 (seconds), or none for offers without a limit; not &apos;%1&apos;</source>
        <translation>--min-time-limit erwartet eine Dauer wie 8h, 1:30:00 oder 3600 (Sekunden), oder none für Angebote ohne Zeitlimit; nicht &apos;%1&apos;</translation>
    </message>
    <message>
        <source>Note: job %1 may run for %2 s, but the lender ends lease %3 at %4 (its time limit): a job still running then is stopped, and its outputs are lost.
</source>
        <translation>Hinweis: Auftrag %1 darf %2 s laufen, aber der Verleiher beendet die Leihe %3 um %4 (ihr Zeitlimit): ein dann noch laufender Auftrag wird gestoppt, und seine Ausgaben gehen verloren.
</translation>
    </message>
    <message>
        <source>note: only the newest %1 contracts are listed (the most the market lists), and the total covers only those; --since DATE lists those started since
</source>
        <translation>Hinweis: Nur die neuesten %1 Verträge sind aufgeführt (mehr listet der Marktplatz nicht auf), und die Summe gilt nur für diese; --since DATE listet die seitdem begonnenen
</translation>
    </message>
    <message>
        <source>the lender agent sent no more of job %1&apos;s console, and not its state, for %2 s; what it sent is printed above. Try again, or `borrower-client --cli logs %1 --follow`</source>
        <translation>der Verleiher-Agent hat %2 s lang nichts mehr von der Konsole des Auftrags %1 gesendet, und auch nicht seinen Zustand; was er gesendet hat, steht oben. Versuchen Sie es erneut, oder `borrower-client --cli logs %1 --follow`</translation>
    </message>
    <message>
        <source>--request-timeout wants a number of seconds from 1 to %1, not %2</source>
        <translation>--request-timeout erwartet eine Anzahl Sekunden von 1 bis %1, nicht %2</translation>
    </message>
    <message>
        <source>fetching the output files of job %1 (%2 MiB)</source>
        <translation>die Ausgabedateien des Auftrags %1 werden abgeholt (%2 MiB)</translation>
    </message>
    <message>
        <source>No borrow sent from here waits for its answer.
</source>
        <translation>Keine von hier gesendete Ausleihe wartet auf ihre Antwort.
</translation>
    </message>
    <message numerus="yes">
        <source>%n borrow(s) not known yet; `recover` asks again</source>
        <translation>
            <numerusform>%n Ausleihe noch nicht bekannt; `recover` fragt erneut</numerusform>
            <numerusform>%n Ausleihen noch nicht bekannt; `recover` fragt erneut</numerusform>
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
        <translation>Aufruf: borrower-client --cli [--data DIR] [--market ADDR:PORT --market-id ID] [--json] [--request-timeout SECONDS (Vorgabe 30) ist, wie lange jede Anfrage auf ihre Antwort wartet; `logs` ohne --follow
hört auch auf, wenn der Verleiher so lange nichts sendet.
--language CODE] COMMAND …

Befehle:
  offers [--query Q] [--order rate] [--limit N] [--offset N]
                                                  Angebote suchen, z. B. --query &quot;cpus&gt;=1 memory&gt;=256M os=busybox rate&lt;=2&quot;
  borrow OFFER_ID | borrow --query Q [--show-key]  einen Vertrag schließen (der Schlüssel bleibt in DIR/keys)
    [--max-rate RATE] [--min-time-limit DURATION] [--os IMAGE]
                                                  mit OFFER_ID: nur, wenn das Angebot noch diese Bedingungen hat
                                                  (DURATION: 8h, 1:30:00, 3600; none: ohne Zeitlimit)
  submit CONTRACT_ID --os IMAGE --script FILE [--input FILE …] [--timeout SECONDS]
  logs JOB_ID [--follow]                          Konsolenausgabe; --follow streamt bis zum Ende des Jobs
  wait JOB_ID [--exit-status]                     bis zum Ende des Jobs warten; seine Ausgaben abholen;
                                                  --exit-status: Exit-Code 3, wenn der Job nicht erfolgreich war
  cancel JOB_ID                                   einen Job anhalten
  end CONTRACT_ID                                 einen Vertrag beenden und die signierte Rechnung erhalten
  bills [--since DATE]                            Ihre Verträge mit ihren Gebühren
  recover                                         den Markt fragen, was Ausleihen ohne Antwort bewirkt haben, und
                                                  ihre Verträge übernehmen (er schließt keine); `borrow` tut das zuerst
  receipt verify FILE                             einen Beleg offline prüfen (JSON, wie `end --json` es ausgibt); FILE - liest
                                                  die Standardeingabe; Exit-Code 0: gültig, 1: ungültig oder kein Beleg
  receipt show CONTRACT_ID                        den hier gespeicherten signierten Beleg eines Vertrags als JSON
  receipt fetch CONTRACT_ID                       den Beleg des Vertrags, jetzt vom Marktplatz signiert; auch hier gespeichert
  name [NAME]                                     der Name, den die Verwalter des Marktplatzes und Ihre Verleiher für Sie sehen; name &quot;&quot; vergisst ihn

Direktmodus (eine ohne Marktplatz verliehene Partition): --key-file FILE [--lender ADDR:PORT --lender-id ID]
mit submit, logs, wait und cancel.
Der verwendete Marktplatz wird im Datenverzeichnis gespeichert, ebenso Verleiher und Schlüssel jedes Vertrags.
--language CODE (de, en, ja) wählt die Sprache der Meldungen; was --json ausgibt, bleibt gleich.
</translation>
    </message>
    <message>
        <source>no command given; the commands are offers, borrow, submit, logs, wait, cancel, end, bills, recover, receipt verify, receipt show, receipt fetch and name</source>
        <translation>kein Befehl angegeben; die Befehle sind offers, borrow, submit, logs, wait, cancel, end, bills, recover, receipt verify, receipt show, receipt fetch und name</translation>
    </message>
    <message>
        <source>unknown command &apos;%1&apos;; the commands are offers, borrow, submit, logs, wait, cancel, end, bills, recover, receipt verify, receipt show, receipt fetch and name</source>
        <translation>unbekannter Befehl &apos;%1&apos;; die Befehle sind offers, borrow, submit, logs, wait, cancel, end, bills, recover, receipt verify, receipt show, receipt fetch und name</translation>
    </message>
</context>
<context>
    <name>BorrowerStore</name>
    <message>
        <source>no contract %1 in %2; `borrower-client --cli bills` lists your contracts, and a contract made with another --data directory is only known there</source>
        <translation>kein Vertrag %1 in %2; `borrower-client --cli bills` listet Ihre Verträge, und ein mit einem anderen --data-Verzeichnis geschlossener Vertrag ist nur dort bekannt</translation>
    </message>
    <message>
        <source>no job %1 was submitted from %2; check the job ID that `submit` printed and use the same --data directory</source>
        <translation>von %2 aus wurde kein Job %1 übermittelt; prüfen Sie die Job-ID, die `submit` ausgegeben hat, und verwenden Sie dasselbe --data-Verzeichnis</translation>
    </message>
    <message>
        <source>no lending key for contract %1 is kept in %2 (the contract ended, or it was made with another --data directory)</source>
        <translation>für Vertrag %1 liegt in %2 kein Leihschlüssel (der Vertrag ist beendet, oder er wurde mit einem anderen --data-Verzeichnis geschlossen)</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>--data needs a directory; it was given empty</source>
        <translation>--data braucht ein Verzeichnis; es wurde leer angegeben</translation>
    </message>
</context>
<context>
    <name>JobState</name>
    <message>
        <source>queued</source>
        <translation>wartend</translation>
    </message>
    <message>
        <source>preparing</source>
        <translation>wird vorbereitet</translation>
    </message>
    <message>
        <source>booting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>timed_out</source>
        <translation>Zeit überschritten</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
</context>
<context>
    <name>KeyFile</name>
    <message>
        <source>%1 is not a key file (a JSON object with contract_id, partition_id and key): %2</source>
        <translation>%1 ist keine Schlüsseldatei (ein JSON-Objekt mit contract_id, partition_id und key): %2</translation>
    </message>
    <message>
        <source>not an object</source>
        <translation>kein Objekt</translation>
    </message>
    <message>
        <source>%1 lacks one of contract_id, partition_id or key</source>
        <translation>%1 fehlt contract_id, partition_id oder key</translation>
    </message>
    <message>
        <source>the key in %1 is neither base64 nor 64 hex digits</source>
        <translation>der Schlüssel in %1 ist weder Base64 noch 64 Hex-Ziffern</translation>
    </message>
    <message>
        <source>cannot read the key file %1: %2</source>
        <translation>die Schlüsseldatei %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is too large to be a key file</source>
        <translation>%1 ist zu groß für eine Schlüsseldatei</translation>
    </message>
    <message>
        <source>cannot write the key file %1: %2</source>
        <translation>die Schlüsseldatei %1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>cannot make %1 private (mode 0600)</source>
        <translation>%1 kann nicht privat gemacht werden (Modus 0600)</translation>
    </message>
    <message>
        <source>the key in %1 is too short to be a lending key (%2 of 32 bytes)</source>
        <translation>der Schlüssel in %1 ist zu kurz für einen Leihschlüssel (%2 von 32 Bytes)</translation>
    </message>
    <message>
        <source>%1 in %2 is not a whole number of %3</source>
        <translation>%1 in %2 ist keine ganze Zahl (%3)</translation>
    </message>
    <message>
        <source>milliseconds</source>
        <translation>Millisekunden</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
</context>
<context>
    <name>OfferText</name>
    <message>
        <source>free (not lent)</source>
        <translation>frei (nicht verliehen)</translation>
    </message>
    <message>
        <source>lender online</source>
        <translation>Verleiher online</translation>
    </message>
    <message>
        <source>allocation confirmed by the lender</source>
        <translation>Zuteilung vom Verleiher bestätigt</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>%1 vCPU · %2 memory · %3 disk · %4 per hour · images: %5</source>
        <translation>%1 vCPU · %2 Arbeitsspeicher · %3 Festplatte · %4 pro Stunde · Images: %5</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::BillsPage</name>
    <message>
        <source>Contract</source>
        <translation>Vertrag</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
    </message>
    <message>
        <source>Rate / h</source>
        <translation>Preis / h</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Begonnen</translation>
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
        <source>Charge</source>
        <translation>Gebühr</translation>
    </message>
    <message>
        <source>Contracts</source>
        <translation>Verträge</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Summe</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Verify receipt…</source>
        <translation>Beleg prüfen…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Verify receipt</source>
        <translation>Beleg prüfen</translation>
    </message>
    <message>
        <source>Receipts (*.json)</source>
        <translation>Belege (*.json)</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>Beleg</translation>
    </message>
    <message>
        <source>The receipt is NOT valid: %1</source>
        <translation>Der Beleg ist NICHT gültig: %1</translation>
    </message>
    <message>
        <source>Export bills</source>
        <translation>Rechnungen exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Save receipt…</source>
        <translation>Beleg speichern…</translation>
    </message>
    <message>
        <source>Save receipt</source>
        <translation>Beleg speichern</translation>
    </message>
    <message>
        <source>not kept here</source>
        <translation>hier nicht gespeichert</translation>
    </message>
    <message>
        <source>NOT valid</source>
        <translation>UNGÜLTIG</translation>
    </message>
    <message>
        <source>start only</source>
        <translation>nur Beginn</translation>
    </message>
    <message>
        <source>The signed receipt says %1, the market&apos;s bill %2.</source>
        <translation>Der signierte Beleg sagt %1, die Rechnung des Marktplatzes %2.</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>geprüft</translation>
    </message>
    <message>
        <source>start verified</source>
        <translation>Beginn geprüft</translation>
    </message>
    <message>
        <source>Signed by market %1; checked on this computer.</source>
        <translation>Signiert von Marktplatz %1; auf diesem Computer geprüft.</translation>
    </message>
    <message>
        <source>no signed receipt is kept here for contract %1</source>
        <translation>für Vertrag %1 ist hier kein signierter Beleg gespeichert</translation>
    </message>
    <message>
        <source>Save the signed receipt of the selected contract, to keep or to check with `borrower-client --cli receipt verify FILE`; one not kept here is asked of the market</source>
        <translation>Den signierten Beleg des gewählten Vertrags speichern, um ihn aufzubewahren oder mit `borrower-client --cli receipt verify FILE` zu prüfen; einer, der hier nicht gespeichert ist, wird beim Marktplatz angefragt</translation>
    </message>
    <message>
        <source>The receipt for contract %1 is valid: signed by market %2 (this market); charge %3.</source>
        <translation>Der Beleg für Vertrag %1 ist gültig: signiert von Marktplatz %2 (diesem Marktplatz); Gebühr %3.</translation>
    </message>
    <message>
        <source>The start receipt for contract %1 is valid: signed by market %2 (this market) when the contract began. It bills nothing: the end receipt carries the charge.</source>
        <translation>Der Beleg über den Beginn von Vertrag %1 ist gültig: signiert von Marktplatz %2 (diesem Marktplatz), als der Vertrag begann. Er berechnet nichts: Die Gebühr steht im Beleg über das Ende.</translation>
    </message>
    <message>
        <source>This data directory has no receipt for the contract (it was made from another one). Save receipt… asks the market for it.</source>
        <translation>Dieses Datenverzeichnis hat keinen Beleg für den Vertrag (er wurde von einem anderen aus geschlossen). „Beleg speichern…“ fragt den Marktplatz danach.</translation>
    </message>
    <message>
        <source>The receipt kept is the one for the contract&apos;s start: it ended elsewhere, or its end receipt never arrived. Save receipt… asks the market for the end receipt.</source>
        <translation>Gespeichert ist der Beleg für den Beginn des Vertrags: Er endete anderswo, oder sein Beleg über das Ende kam nie an. „Beleg speichern…“ fragt den Marktplatz nach dem Beleg über das Ende.</translation>
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
        <source>Month (UTC)</source>
        <translation>Monat (UTC)</translation>
    </message>
    <message>
        <source>As the market invoices: each contract in the month it ended in (UTC), whole</source>
        <translation>Wie der Marktplatz abrechnet: jeder Vertrag ganz in dem Monat, in dem er endete (UTC)</translation>
    </message>
    <message>
        <source>Totals per month, by the month a contract ended in</source>
        <translation>Summen je Monat, nach dem Monat, in dem ein Vertrag endete</translation>
    </message>
    <message>
        <source>running (so far)</source>
        <translation>laufend (bisher)</translation>
    </message>
    <message>
        <source>Running: double-click to open its tab</source>
        <translation>Läuft: Doppelklick öffnet seinen Reiter</translation>
    </message>
    <message>
        <source>Only the newest %1 contracts are listed (the most the market lists), and the totals per month cover only those: older contracts and their charges are missing here.</source>
        <translation>Nur die neuesten %1 Verträge sind aufgeführt (mehr listet der Marktplatz nicht auf), und die Summen pro Monat gelten nur für diese: ältere Verträge und ihre Gebühren fehlen hier.</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::BorrowerSession</name>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>market</source>
        <translation>Marktplatz</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a market ID (64 hex characters, as `market-manager --print-id` prints)</source>
        <translation>&apos;%1&apos; ist keine Marktplatz-ID (64 Hex-Zeichen, wie sie `market-manager --print-id` ausgibt)</translation>
    </message>
    <message>
        <source>no market is configured; pass --market ADDR:PORT and --market-id ID (the market&apos;s operator gets the ID with `market-manager --print-id`)</source>
        <translation>kein Marktplatz eingerichtet; geben Sie --market ADDR:PORT und --market-id ID an (der Betreiber des Marktplatzes erhält die ID mit `market-manager --print-id`)</translation>
    </message>
    <message>
        <source>is the market running there? check --market and --market-id</source>
        <translation>läuft dort der Marktplatz? prüfen Sie --market und --market-id</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a lender ID (64 hex characters)</source>
        <translation>&apos;%1&apos; ist keine Verleiher-ID (64 Hex-Zeichen)</translation>
    </message>
    <message>
        <source>the lender agent may be offline; ask the partition&apos;s owner to start it</source>
        <translation>der Verleiher-Agent ist vielleicht offline; bitten Sie den Eigentümer der Partition, ihn zu starten</translation>
    </message>
    <message>
        <source>the lender may be offline — end the contract with `borrower-client --cli end %1`</source>
        <translation>der Verleiher ist vielleicht offline — beenden Sie den Vertrag mit `borrower-client --cli end %1`</translation>
    </message>
    <message>
        <source>lender agent</source>
        <translation>Verleiher-Agent</translation>
    </message>
    <message>
        <source>direct mode needs the lender agent&apos;s address: --lender ADDR:PORT</source>
        <translation>der Direktmodus braucht die Adresse des Verleiher-Agenten: --lender ADDR:PORT</translation>
    </message>
    <message>
        <source>direct mode needs the lender agent&apos;s ID (64 hex characters): --lender-id ID, printed by `lender-console --print-id` on the lender&apos;s machine</source>
        <translation>der Direktmodus braucht die ID des Verleiher-Agenten (64 Hex-Zeichen): --lender-id ID, ausgegeben von `lender-console --print-id` auf dem Rechner des Verleihers</translation>
    </message>
    <message>
        <source>contract %1 was granted but its key could not be kept (%2); end it with `borrower-client --cli end %1` and fix the data directory</source>
        <translation>Vertrag %1 wurde gewährt, aber sein Schlüssel konnte nicht gespeichert werden (%2); beenden Sie ihn mit `borrower-client --cli end %1` und reparieren Sie das Datenverzeichnis</translation>
    </message>
    <message>
        <source>contract %1 was lent directly by the partition&apos;s owner, without a market; ask the owner to end it</source>
        <translation>Vertrag %1 wurde vom Eigentümer der Partition direkt verliehen, ohne Marktplatz; bitten Sie den Eigentümer, ihn zu beenden</translation>
    </message>
    <message>
        <source>contract %1 is not known in %2, and the market could not end it: %3</source>
        <translation>Vertrag %1 ist in %2 unbekannt, und der Marktplatz konnte ihn nicht beenden: %3</translation>
    </message>
    <message>
        <source>contract %1 ended on %2; borrow a partition again with `borrower-client --cli borrow`</source>
        <translation>Vertrag %1 endete am %2; leihen Sie erneut eine Partition mit `borrower-client --cli borrow`</translation>
    </message>
    <message>
        <source>the script and inputs add up to %1 bytes; at most %2 bytes go with a job</source>
        <translation>Skript und Eingaben ergeben zusammen %1 Bytes; höchstens %2 Bytes gehen mit einem Job mit</translation>
    </message>
    <message>
        <source>choose the OS image to boot with --os (the offer lists them: %1)</source>
        <translation>wählen Sie das zu startende OS-Image mit --os (das Angebot nennt sie: %1)</translation>
    </message>
    <message>
        <source>job %1 was accepted but could not be recorded: %2</source>
        <translation>Job %1 wurde angenommen, konnte aber nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>the receipt for contract %1 could not be kept: %2</source>
        <translation>der Beleg für Vertrag %1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>the market sent a receipt for another borrower&apos;s contract %1</source>
        <translation>der Marktplatz hat einen Beleg für den Vertrag %1 eines anderen Entleihers geschickt</translation>
    </message>
    <message>
        <source>is the market the contract was made with still running there?</source>
        <translation>läuft der Marktplatz, mit dem der Vertrag geschlossen wurde, dort noch?</translation>
    </message>
    <message>
        <source>contract %1 was granted and its key kept, but the contract could not be recorded (%2); end it with `borrower-client --cli end %1` and fix the data directory</source>
        <translation>Vertrag %1 wurde geschlossen und sein Schlüssel gespeichert, aber der Vertrag konnte nicht festgehalten werden (%2); beenden Sie ihn mit `borrower-client --cli end %1` und reparieren Sie das Datenverzeichnis</translation>
    </message>
    <message>
        <source>contract %1 was ended at the market (charge %2), but its end and receipt could not be kept in %3 (%4); `borrower-client --cli receipt fetch %1` gets the receipt again.</source>
        <translation>Vertrag %1 wurde beim Marktplatz beendet (Gebühr %2), aber sein Ende und sein Beleg konnten nicht in %3 gespeichert werden (%4); `borrower-client --cli receipt fetch %1` holt den Beleg erneut.</translation>
    </message>
    <message>
        <source>output &quot;%1&quot; was not kept: its name is not a plain file name</source>
        <translation>Ausgabe „%1“ wurde nicht gespeichert: Ihr Name ist kein einfacher Dateiname</translation>
    </message>
    <message>
        <source>the output files of job %1 add up to more than %2 MiB, the most a lender sends with a job&apos;s result, so they were not fetched (%3). They stay in the job&apos;s directory on the lender&apos;s machine while it keeps the job&apos;s results: ask the lender for them, and have jobs leave smaller outputs (compressed, or fewer). `borrower-client --cli logs %1` prints the console.</source>
        <translation>die Ausgabedateien von Job %1 sind zusammen größer als %2 MiB, das Meiste, was ein Verleiher mit dem Ergebnis eines Jobs sendet, und wurden daher nicht geholt (%3). Sie bleiben im Verzeichnis des Jobs auf dem Rechner des Verleihers, solange er die Ergebnisse des Jobs aufbewahrt: Bitten Sie den Verleiher darum, und lassen Sie Jobs kleinere Ausgaben hinterlassen (komprimiert oder weniger). `borrower-client --cli logs %1` gibt die Konsole aus.</translation>
    </message>
    <message>
        <source>the console of job %1 in %2 is cut at %3 bytes, as the lender sends it with the result; `borrower-client --cli logs %1` prints all of it</source>
        <translation>die Konsole von Job %1 in %2 ist nach %3 Bytes abgeschnitten, wie der Verleiher sie mit dem Ergebnis sendet; `borrower-client --cli logs %1` gibt sie ganz aus</translation>
    </message>
    <message>
        <source>the console of job %1 in %2 is cut at %3 bytes, as the lender sends it with the result, and the rest could not be fetched (%4); `borrower-client --cli logs %1` prints all of it</source>
        <translation>die Konsole von Job %1 in %2 ist nach %3 Bytes abgeschnitten, wie der Verleiher sie mit dem Ergebnis sendet, und der Rest konnte nicht geholt werden (%4); `borrower-client --cli logs %1` gibt sie ganz aus</translation>
    </message>
    <message>
        <source>the console of job %1 in %2 is cut at %3 bytes: the rest could not be fetched (%4); `borrower-client --cli logs %1` prints all of it</source>
        <translation>die Konsole von Job %1 in %2 ist nach %3 Bytes abgeschnitten: Der Rest konnte nicht geholt werden (%4); `borrower-client --cli logs %1` gibt sie ganz aus</translation>
    </message>
    <message>
        <source>no answer from the market at %1 to the borrow (%2). It may have made the contract all the same, without your getting its key: before you borrow again, look for a running contract that is not yours here (`borrower-client --cli bills`) and end it (`borrower-client --cli end CONTRACT_ID`)</source>
        <translation>keine Antwort des Markts unter %1 auf das Ausleihen (%2). Er kann den Vertrag trotzdem geschlossen haben, ohne dass Sie dessen Schlüssel bekamen: Suchen Sie vor dem nächsten Ausleihen nach einem laufenden Vertrag, der hier nicht geführt wird (`borrower-client --cli bills`), und beenden Sie ihn (`borrower-client --cli end CONTRACT_ID`)</translation>
    </message>
    <message>
        <source>no connection to the lender of job %1</source>
        <translation>keine Verbindung zum Verleiher von Job %1</translation>
    </message>
    <message>
        <source>the market at %1 is no longer used: another market was chosen</source>
        <translation>der Marktplatz unter %1 wird nicht mehr verwendet: ein anderer wurde gewählt</translation>
    </message>
    <message>
        <source>output &quot;%1&quot; was not fetched: cannot write %2: %3</source>
        <translation>Ausgabe „%1“ wurde nicht abgeholt: %2 kann nicht geschrieben werden: %3</translation>
    </message>
    <message>
        <source>output &quot;%1&quot; was not fetched: %2</source>
        <translation>Ausgabe „%1“ wurde nicht abgeholt: %2</translation>
    </message>
    <message>
        <source>output &quot;%1&quot; was not fetched: it changed on the lender&apos;s machine while it was fetched</source>
        <translation>Ausgabe „%1“ wurde nicht abgeholt: Sie hat sich auf dem Rechner des Verleihers geändert, während sie abgeholt wurde</translation>
    </message>
    <message>
        <source>contract %1 was ended at the market (charge %2), but its record in %3 could not be updated (%4): it still says the contract runs. Once the data directory can be written, `borrower-client --cli receipt fetch %1` updates it.</source>
        <translation>Vertrag %1 wurde beim Marktplatz beendet (Gebühr %2), aber sein Eintrag in %3 konnte nicht aktualisiert werden (%4): Dort läuft der Vertrag noch. Sobald das Datenverzeichnis beschreibbar ist, aktualisiert ihn `borrower-client --cli receipt fetch %1`.</translation>
    </message>
    <message>
        <source>output &quot;%1&quot; was not fetched: it has %2 and %3 has %4 free</source>
        <translation>Ausgabe „%1“ wurde nicht abgeholt: Sie ist %2 groß, und %3 hat nur %4 frei</translation>
    </message>
    <message>
        <source>the borrow was not sent: it could not be noted in %1 first (%2)</source>
        <translation>die Ausleihe wurde nicht gesendet: Sie ließ sich vorher nicht in %1 vermerken (%2)</translation>
    </message>
    <message>
        <source>The borrow of the best match of &quot;%1&quot;, sent %2 and not answered,</source>
        <translation>Die Ausleihe des besten Treffers für „%1“, gesendet %2 und unbeantwortet,</translation>
    </message>
    <message>
        <source>The borrow of offer %1, sent %2 and not answered,</source>
        <translation>Die Ausleihe von Angebot %1, gesendet %2 und unbeantwortet,</translation>
    </message>
    <message>
        <source>%1 made contract %2: it is kept here now, with a new lending key.</source>
        <translation>%1 hat Vertrag %2 geschlossen: Er wird jetzt hier geführt, mit einem neuen Leihschlüssel.</translation>
    </message>
    <message>
        <source>%1 made contract %2, which has ended since (charge %3): it is kept here with its end receipt.</source>
        <translation>%1 hat Vertrag %2 geschlossen, der inzwischen beendet ist (Gebühr %3): Er wird hier mit seinem Beleg über das Ende geführt.</translation>
    </message>
    <message>
        <source>%1 made no contract.</source>
        <translation>%1 hat keinen Vertrag geschlossen.</translation>
    </message>
    <message>
        <source>%1 may have made a contract; not known yet: %2.</source>
        <translation>%1 kann einen Vertrag geschlossen haben; noch nicht bekannt: %2.</translation>
    </message>
    <message>
        <source>it went to the market %1 at %2, not to the one in use: only that market can say (--market %2 --market-id %1)</source>
        <translation>sie ging an den Markt %1 unter %2, nicht an den verwendeten: Nur dieser Markt kann es sagen (--market %2 --market-id %1)</translation>
    </message>
    <message>
        <source>the market cannot say what a borrow made (an older version): look for a running contract that is not yours here (`borrower-client --cli bills`), and end it (`borrower-client --cli end CONTRACT_ID`)</source>
        <translation>der Markt kann nicht sagen, was eine Ausleihe bewirkt hat (eine ältere Version): Suchen Sie nach einem laufenden Vertrag, der hier nicht geführt wird (`borrower-client --cli bills`), und beenden Sie ihn (`borrower-client --cli end CONTRACT_ID`)</translation>
    </message>
    <message>
        <source>it was sent %1 s ago, and the market may still make its contract; it can tell in a minute</source>
        <translation>sie wurde vor %1 s gesendet, und der Markt kann ihren Vertrag noch schließen; in einer Minute kann er es sagen</translation>
    </message>
    <message>
        <source>the market answered with %1 bills for one borrow</source>
        <translation>der Markt antwortete mit %1 Rechnungen für eine Ausleihe</translation>
    </message>
    <message>
        <source>the market in use changed</source>
        <translation>der verwendete Markt hat gewechselt</translation>
    </message>
    <message>
        <source>the market answered with contract %1, not %2</source>
        <translation>der Markt antwortete mit Vertrag %1, nicht %2</translation>
    </message>
    <message>
        <source>no answer from the market at %1 to the borrow (%2). It may have made the contract all the same, without your getting its key. The borrow is noted here: `borrower-client --cli recover` asks the market what it made and takes the contract if there is one, and the same borrow again makes no second contract</source>
        <translation>keine Antwort des Markts unter %1 auf das Ausleihen (%2). Er kann den Vertrag trotzdem geschlossen haben, ohne dass Sie dessen Schlüssel bekamen. Die Ausleihe ist hier vermerkt: `borrower-client --cli recover` fragt den Markt, was sie bewirkt hat, und übernimmt den Vertrag, falls es ihn gibt; dieselbe Ausleihe noch einmal schließt keinen zweiten Vertrag</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::BorrowerWindow</name>
    <message>
        <source>Lendable Borrower Client</source>
        <translation>Lendable Entleiher-Client</translation>
    </message>
    <message>
        <source>Offers</source>
        <translation>Angebote</translation>
    </message>
    <message>
        <source>Bills</source>
        <translation>Rechnungen</translation>
    </message>
    <message>
        <source>Market %1 at %2 · this node %3</source>
        <translation>Marktplatz %1 unter %2 · dieser Knoten %3</translation>
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
        <source>Borrow partitions of real computers and run jobs in them.</source>
        <translation>Leihen Sie Partitionen echter Computer und führen Sie darin Jobs aus.</translation>
    </message>
    <message>
        <source>Borrow partition</source>
        <translation>Partition leihen</translation>
    </message>
    <message>
        <source>Borrow partition %1 of lender %2?</source>
        <translation>Partition %1 von Verleiher %2 leihen?</translation>
    </message>
    <message>
        <source>%1

You are charged from now until you end the contract, by the second.</source>
        <translation>%1

Ab jetzt wird Ihnen sekundengenau eine Gebühr berechnet, bis Sie den Vertrag beenden.</translation>
    </message>
    <message>
        <source>Borrow</source>
        <translation>Leihen</translation>
    </message>
    <message>
        <source>Your &amp;name at the market…</source>
        <translation>Ihr &amp;Name am Marktplatz…</translation>
    </message>
    <message>
        <source>Your name at the market</source>
        <translation>Ihr Name am Marktplatz</translation>
    </message>
    <message>
        <source>%1 · known there as &quot;%2&quot;</source>
        <translation>%1 · dort bekannt als &quot;%2&quot;</translation>
    </message>
    <message>
        <source>The market&apos;s managers see this name on your contracts and invoices,
and lenders on the partitions you borrow, instead of your node ID
(empty: the node ID again).</source>
        <translation>Die Verwalter des Marktplatzes sehen diesen Namen auf Ihren Verträgen und Rechnungen,
die Verleiher auf den Partitionen, die Sie leihen, anstelle Ihrer Knoten-ID
(leer: wieder die Knoten-ID).</translation>
    </message>
    <message>
        <source>%1 · since %2</source>
        <translation>%1 · seit %2</translation>
    </message>
    <message>
        <source>Contract %1 with lender %2</source>
        <translation>Vertrag %1 mit Verleiher %2</translation>
    </message>
    <message>
        <source>Nothing was borrowed: %1. The list now shows the new terms; borrow the offer again to accept them.</source>
        <translation>Nichts wurde ausgeliehen: %1. Die Liste zeigt jetzt die neuen Bedingungen; leihen Sie das Angebot erneut aus, um sie anzunehmen.</translation>
    </message>
    <message>
        <source>The contract ends by itself after %1 (h:mm:ss).</source>
        <translation>Der Vertrag endet von selbst nach %1 (h:mm:ss).</translation>
    </message>
    <message numerus="yes">
        <source>%1. Trying again in %n s; what you asked for is done once the market answers.</source>
        <translation>
            <numerusform>%1. Neuer Versuch in %n Sekunde; was Sie angefordert haben, geschieht, sobald der Marktplatz antwortet.</numerusform>
            <numerusform>%1. Neuer Versuch in %n Sekunden; was Sie angefordert haben, geschieht, sobald der Marktplatz antwortet.</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Open running contracts</source>
        <translation>Laufende Verträge &amp;öffnen</translation>
    </message>
    <message>
        <source>Contract %1, lent to you directly, runs until the partition&apos;s owner ends it; File › Open running contracts opens its tab again.</source>
        <translation>Vertrag %1, Ihnen direkt verliehen, läuft, bis der Besitzer der Partition ihn beendet; Datei › Laufende Verträge öffnen öffnet seinen Reiter wieder.</translation>
    </message>
    <message>
        <source>Contract %1 keeps running, and is billed, until you end it; double-click it on the Bills page (or File › Open running contracts) to open its tab again.</source>
        <translation>Vertrag %1 läuft weiter und wird berechnet, bis Sie ihn beenden; ein Doppelklick auf ihn auf der Seite Rechnungen (oder Datei › Laufende Verträge öffnen) öffnet seinen Reiter wieder.</translation>
    </message>
    <message>
        <source>&amp;Market…</source>
        <translation>&amp;Marktplatz…</translation>
    </message>
    <message>
        <source>is the market running there? File › Market… changes its address and ID</source>
        <translation>läuft der Marktplatz dort? Datei › Marktplatz… ändert seine Adresse und ID</translation>
    </message>
    <message>
        <source>No answer from the market to the borrow (%1). Asking again (%2 of %3); the market makes one contract however often it is asked.</source>
        <translation>Keine Antwort des Marktes auf die Ausleihe (%1). Erneute Anfrage (%2 von %3); der Markt schließt nur einen Vertrag, wie oft auch gefragt wird.</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::ContractPage</name>
    <message>
        <source>&amp;Submit job</source>
        <translation>Job &amp;übermitteln</translation>
    </message>
    <message>
        <source>&amp;Cancel job</source>
        <translation>Job &amp;abbrechen</translation>
    </message>
    <message>
        <source>&amp;End contract</source>
        <translation>Vertrag &amp;beenden</translation>
    </message>
    <message>
        <source>No job yet</source>
        <translation>Noch kein Job</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>&lt;b&gt;Contract %1&lt;/b&gt; with lender %2 — partition %3&lt;br&gt;%4&lt;br&gt;Started %5</source>
        <translation>&lt;b&gt;Vertrag %1&lt;/b&gt; mit Verleiher %2 — Partition %3&lt;br&gt;%4&lt;br&gt;Begonnen %5</translation>
    </message>
    <message>
        <source>rate %1 per hour</source>
        <translation>Preis %1 pro Stunde</translation>
    </message>
    <message>
        <source>New job</source>
        <translation>Neuer Job</translation>
    </message>
    <message>
        <source>OS image</source>
        <translation>OS-Image</translation>
    </message>
    <message>
        <source>Load script…</source>
        <translation>Skript laden…</translation>
    </message>
    <message>
        <source>Script</source>
        <translation>Skript</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Input files</source>
        <translation>Eingabedateien</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>Zeitlimit</translation>
    </message>
    <message>
        <source>Job history</source>
        <translation>Job-Verlauf</translation>
    </message>
    <message>
        <source>Load job script</source>
        <translation>Job-Skript laden</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Add input files</source>
        <translation>Eingabedateien hinzufügen</translation>
    </message>
    <message>
        <source>Job %1: %2</source>
        <translation>Job %1: %2</translation>
    </message>
    <message>
        <source> (exit code %1)</source>
        <translation> (Exit-Code %1)</translation>
    </message>
    <message>
        <source>    outputs: %1</source>
        <translation>    Ausgaben: %1</translation>
    </message>
    <message>
        <source>downloading image %p%</source>
        <translation>Image wird geladen %p%</translation>
    </message>
    <message>
        <source>booting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>collecting outputs</source>
        <translation>Ausgaben werden eingesammelt</translation>
    </message>
    <message>
        <source>Last job %1: %2</source>
        <translation>Letzter Job %1: %2</translation>
    </message>
    <message>
        <source>Ended %1 · charge %2</source>
        <translation>Beendet %1 · Gebühr %2</translation>
    </message>
    <message>
        <source>cannot read input %1: %2</source>
        <translation>Eingabe %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Submitting…</source>
        <translation>Wird übermittelt…</translation>
    </message>
    <message>
        <source>Submission refused</source>
        <translation>Übermittlung abgelehnt</translation>
    </message>
    <message>
        <source>Job %1: queued</source>
        <translation>Job %1: wartend</translation>
    </message>
    <message>
        <source>Contract ended after %1 · charge %2 · receipt %3</source>
        <translation>Vertrag nach %1 beendet · Gebühr %2 · Beleg %3</translation>
    </message>
    <message>
        <source>NOT verified: %1</source>
        <translation>NICHT verifiziert: %1</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>verifiziert</translation>
    </message>
    <message>
        <source>End contract</source>
        <translation>Vertrag beenden</translation>
    </message>
    <message>
        <source>End contract %1 for partition %2?</source>
        <translation>Vertrag %1 für Partition %2 beenden?</translation>
    </message>
    <message>
        <source>The charge so far is %1 (%2 at %3 per hour); the market bills until the moment it ends the contract.</source>
        <translation>Die Gebühr beträgt bisher %1 (%2 zu %3 pro Stunde); der Marktplatz berechnet bis zu dem Moment, in dem er den Vertrag beendet.</translation>
    </message>
    <message>
        <source>Job %1 is still running: the lender stops it, and its outputs are lost.</source>
        <translation>Job %1 läuft noch: Der Verleiher hält ihn an, und seine Ausgaben gehen verloren.</translation>
    </message>
    <message>
        <source>The partition goes back to its lender; the lending key stops working.</source>
        <translation>Die Partition geht an ihren Verleiher zurück; der Leihschlüssel gilt nicht mehr.</translation>
    </message>
    <message>
        <source>The partition&apos;s owner lent it to you directly, without a market: ask the owner to end the lease.</source>
        <translation>Der Besitzer der Partition hat sie Ihnen direkt verliehen, ohne Marktplatz: bitten Sie ihn, die Leihe zu beenden.</translation>
    </message>
    <message>
        <source>The market ended this contract on %1 (its lender could no longer lend the partition, or its time ran out) · charge %2 · no end receipt</source>
        <translation>Der Marktplatz hat diesen Vertrag am %1 beendet (sein Verleiher konnte die Partition nicht mehr verleihen, oder seine Zeit war abgelaufen) · Gebühr %2 · kein Beleg über das Ende</translation>
    </message>
    <message>
        <source>The market ends it by itself at %1 (time limit %2, h:mm:ss).</source>
        <translation>Der Marktplatz beendet ihn von selbst um %1 (Zeitlimit %2, h:mm:ss).</translation>
    </message>
    <message>
        <source>Job %1 may run for %2, but the market ends this contract at %3 (its time limit): a job still running then is stopped, and its outputs are lost.</source>
        <translation>Auftrag %1 darf %2 laufen, aber der Marktplatz beendet diesen Vertrag um %3 (sein Zeitlimit): ein dann noch laufender Auftrag wird gestoppt, und seine Ausgaben gehen verloren.</translation>
    </message>
    <message>
        <source>The lender ends it by itself at %1 (time limit %2, h:mm:ss).</source>
        <translation>Der Verleiher beendet ihn von selbst um %1 (Zeitlimit %2, h:mm:ss).</translation>
    </message>
    <message>
        <source>Job %1 may run for %2, but the lender ends this lease at %3 (its time limit): a job still running then is stopped, and its outputs are lost.</source>
        <translation>Auftrag %1 darf %2 laufen, aber der Verleiher beendet diese Leihe um %3 (ihr Zeitlimit): ein dann noch laufender Auftrag wird gestoppt, und seine Ausgaben gehen verloren.</translation>
    </message>
    <message>
        <source>The lease reached its time limit (%1, h:mm:ss) at %2: the lender ends it, and stops a job still running. No more jobs can be submitted.</source>
        <translation>Die Leihe hat um %2 ihre Zeitgrenze erreicht (%1, h:mm:ss): Der Verleiher beendet sie und hält einen noch laufenden Job an. Es können keine Jobs mehr übermittelt werden.</translation>
    </message>
    <message>
        <source>The contract reached its time limit (%1, h:mm:ss) at %2: the market ends it, and the lender stops a job still running. No more jobs can be submitted.</source>
        <translation>Der Vertrag hat um %2 seine Zeitgrenze erreicht (%1, h:mm:ss): Der Marktplatz beendet ihn, und der Verleiher hält einen noch laufenden Job an. Es können keine Jobs mehr übermittelt werden.</translation>
    </message>
    <message>
        <source>Two input files are named %1: they would overwrite each other in /job/in. Rename one of them, or remove it from the list.</source>
        <translation>Zwei Eingabedateien heißen %1: Sie würden einander in /job/in überschreiben. Benennen Sie eine um, oder entfernen Sie sie aus der Liste.</translation>
    </message>
    <message>
        <source>Cannot send input %1: it is not a file (or no longer there).</source>
        <translation>Eingabe %1 kann nicht gesendet werden: Sie ist keine Datei (oder nicht mehr vorhanden).</translation>
    </message>
    <message>
        <source>Input %1 is %2; at most %3 go with a job, script and inputs together.</source>
        <translation>Eingabe %1 ist %2 groß; höchstens %3 gehen mit einem Job mit, Skript und Eingaben zusammen.</translation>
    </message>
    <message>
        <source>The script and input files add up to more than %1, the most that goes with a job. Remove an input, or make it smaller.</source>
        <translation>Skript und Eingabedateien sind zusammen größer als %1, das Meiste, was mit einem Job mitgeht. Entfernen Sie eine Eingabe, oder verkleinern Sie sie.</translation>
    </message>
    <message>
        <source>fetching outputs %p%</source>
        <translation>Ausgaben werden abgeholt %p%</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::MarketDialog</name>
    <message>
        <source>Connect to a market</source>
        <translation>Mit einem Marktplatz verbinden</translation>
    </message>
    <message>
        <source>Enter the market&apos;s address and its node ID (ask its operator, or run &lt;tt&gt;market-manager --print-id&lt;/tt&gt; on it). The ID is pinned: a different market at that address is refused.</source>
        <translation>Geben Sie die Adresse des Marktplatzes und seine Knoten-ID ein (fragen Sie den Betreiber oder führen Sie dort &lt;tt&gt;market-manager --print-id&lt;/tt&gt; aus). Die ID wird festgelegt: ein anderer Marktplatz unter dieser Adresse wird abgewiesen.</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Market ID</source>
        <translation>Marktplatz-ID</translation>
    </message>
    <message>
        <source>Enter both the market&apos;s address and its ID.</source>
        <translation>Geben Sie die Adresse und die ID des Marktplatzes ein.</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::OffersPage</name>
    <message>
        <source>Borrow…</source>
        <translation>Leihen…</translation>
    </message>
    <message>
        <source>Lender</source>
        <translation>Verleiher</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partition</translation>
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
        <source>OS images</source>
        <translation>OS-Images</translation>
    </message>
    <message>
        <source>Rate / h</source>
        <translation>Preis / h</translation>
    </message>
    <message>
        <source>Reliability</source>
        <translation>Zuverlässigkeit</translation>
    </message>
    <message>
        <source>any</source>
        <translation>beliebig</translation>
    </message>
    <message>
        <source>e.g. 512M, 2G</source>
        <translation>z. B. 512M, 2G</translation>
    </message>
    <message>
        <source>e.g. 4G</source>
        <translation>z. B. 4G</translation>
    </message>
    <message>
        <source>e.g. busybox</source>
        <translation>z. B. busybox</translation>
    </message>
    <message>
        <source>e.g. 1.50</source>
        <translation>z. B. 1.50</translation>
    </message>
    <message>
        <source>Query language, e.g. cpus&gt;=2 memory&gt;=1G os=busybox rate&lt;=1.5 order=rate</source>
        <translation>Suchsprache, z. B. cpus&gt;=2 memory&gt;=1G os=busybox rate&lt;=1.5 order=rate</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Min &amp;vCPUs</source>
        <translation>Min. &amp;vCPUs</translation>
    </message>
    <message>
        <source>Min &amp;memory</source>
        <translation>Min. &amp;Arbeitsspeicher</translation>
    </message>
    <message>
        <source>Min &amp;disk</source>
        <translation>Min. &amp;Festplatte</translation>
    </message>
    <message>
        <source>&amp;OS image</source>
        <translation>&amp;OS-Image</translation>
    </message>
    <message>
        <source>Max &amp;rate</source>
        <translation>Max. &amp;Preis</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>Suche fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 excluded %n offer(s)</source>
        <translation>
            <numerusform>%1 schloss %n Angebot aus</numerusform>
            <numerusform>%1 schloss %n Angebote aus</numerusform>
        </translation>
    </message>
    <message>
        <source>No offer matches. %1.</source>
        <translation>Kein Angebot passt. %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n offer(s) match.</source>
        <translation>
            <numerusform>%n Angebot passt.</numerusform>
            <numerusform>%n Angebote passen.</numerusform>
        </translation>
    </message>
    <message>
        <source>No offer is available right now.</source>
        <translation>Derzeit ist kein Angebot verfügbar.</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>Zeitlimit</translation>
    </message>
    <message>
        <source>the list shows every match as you scroll: leave limit= and offset= out of the query (the command line&apos;s `offers` takes them)</source>
        <translation>die Liste zeigt beim Blättern jeden Treffer: lassen Sie limit= und offset= in der Abfrage weg (das `offers` der Kommandozeile nimmt sie)</translation>
    </message>
    <message>
        <source>e.g. 8h</source>
        <translation>z. B. 8h</translation>
    </message>
    <message>
        <source>Offers whose contracts may run at least this long (8h, 1:30:00, 3600 seconds); offers without a time limit always do. &quot;none&quot;: only offers without a time limit.</source>
        <translation>Angebote, deren Verträge mindestens so lange laufen dürfen (8h, 1:30:00, 3600 Sekunden); Angebote ohne Zeitlimit immer. &quot;none&quot;: nur Angebote ohne Zeitlimit.</translation>
    </message>
    <message>
        <source>Min &amp;time limit</source>
        <translation>Min. &amp;Zeitlimit</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a time limit: write one such as 8h, 1:30:00 or 3600 (seconds), or none for offers without a limit</source>
        <translation>&apos;%1&apos; ist kein Zeitlimit: schreiben Sie eines wie 8h, 1:30:00 oder 3600 (Sekunden), oder none für Angebote ohne Zeitlimit</translation>
    </message>
</context>
<context>
    <name>lendable::borrower::PeerLink</name>
    <message>
        <source>&apos;%1&apos; is not a %2 address; write HOST:PORT, e.g. 127.0.0.1:7400</source>
        <translation>&apos;%1&apos; ist keine %2-Adresse; schreiben Sie HOST:PORT, z. B. 127.0.0.1:7400</translation>
    </message>
    <message>
        <source>cannot reach the %1 at %2 (%3)</source>
        <translation>der %1 unter %2 ist nicht erreichbar (%3)</translation>
    </message>
    <message>
        <source>the %1 at %2 did not answer in time</source>
        <translation>der %1 unter %2 hat nicht rechtzeitig geantwortet</translation>
    </message>
    <message>
        <source>the %1 at %2 did not answer in time: %3</source>
        <translation>der %1 unter %2 hat nicht rechtzeitig geantwortet: %3</translation>
    </message>
    <message>
        <source>the %1 at %2 closed the connection</source>
        <translation>der %1 unter %2 hat die Verbindung geschlossen</translation>
    </message>
    <message>
        <source>no secure connection with the %1 at %2 (%3); is that address really a %1?</source>
        <translation>keine sichere Verbindung zu %2 (%3); ist unter dieser Adresse wirklich ein %1?</translation>
    </message>
    <message>
        <source>the %1 at %2 is not the node you pinned: %3; check the address and the ID</source>
        <translation>der %1 unter %2 ist nicht der festgelegte Knoten: %3; prüfen Sie Adresse und ID</translation>
    </message>
    <message>
        <source>the %1 at %2 refused this borrower: %3</source>
        <translation>der %1 unter %2 hat diesen Entleiher abgewiesen: %3</translation>
    </message>
    <message>
        <source>it stopped answering (no answer to a ping in %1 s)</source>
        <translation>sie antwortet nicht mehr (keine Antwort auf einen Ping in %1 s)</translation>
    </message>
    <message>
        <source>the connection to the %1 at %2 was dropped</source>
        <translation>die Verbindung zu %1 unter %2 wurde aufgegeben</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Lendable Borrower Client</source>
        <translation>Lendable Entleiher-Client</translation>
    </message>
    <message>
        <source>Lendable Borrower Client: shop offers, run jobs in borrowed partitions, pay.</source>
        <translation>Lendable Entleiher-Client: Angebote durchsuchen, Jobs in geliehenen Partitionen ausführen, bezahlen.</translation>
    </message>
    <message>
        <source>Command-line mode (handled by the launcher).</source>
        <translation>Kommandozeilenmodus (übernimmt der Starter).</translation>
    </message>
    <message>
        <source>Market to use.</source>
        <translation>Zu verwendender Marktplatz.</translation>
    </message>
    <message>
        <source>Node ID of the market.</source>
        <translation>Knoten-ID des Marktplatzes.</translation>
    </message>
    <message>
        <source>Print one JSON document per command.</source>
        <translation>Ein JSON-Dokument pro Befehl ausgeben.</translation>
    </message>
    <message>
        <source>--json goes with --cli: borrower-client --cli --json COMMAND</source>
        <translation>--json gehört zu --cli: borrower-client --cli --json BEFEHL</translation>
    </message>
    <message>
        <source>Run one command (offers, borrow, submit, logs, wait, cancel, end, bills, receipt, name) and exit.</source>
        <translation>Einen Befehl ausführen (offers, borrow, submit, logs, wait, cancel, end, bills, receipt, name) und beenden.</translation>
    </message>
</context>
</TS>
