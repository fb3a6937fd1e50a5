<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>Billing</name>
    <message>
        <source>the contract would end (%1) before it started (%2); is the clock right?</source>
        <translation>der Vertrag würde enden (%1), bevor er begonnen hat (%2); stimmt die Uhr?</translation>
    </message>
</context>
<context>
    <name>ImageImport</name>
    <message>
        <source>%1 is not an OS image directory (no image.json)</source>
        <translation>%1 ist kein OS-Image-Verzeichnis (keine image.json)</translation>
    </message>
    <message>
        <source>cannot create a temporary directory</source>
        <translation>ein temporäres Verzeichnis kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot archive %1: %2</source>
        <translation>%1 kann nicht archiviert werden: %2</translation>
    </message>
</context>
<context>
    <name>MarketService</name>
    <message>
        <source>the lender refused the allocation %1 of partition %2, which is back at %3: %4</source>
        <translation>der Verleiher hat die Zuteilung %1 der Partition %2 abgelehnt; sie hat wieder %3: %4</translation>
    </message>
    <message>
        <source>its confirmed allocation</source>
        <translation>ihre bestätigte Zuteilung</translation>
    </message>
    <message>
        <source>offset %1 is negative</source>
        <translation>Versatz %1 ist negativ</translation>
    </message>
    <message>
        <source>offer %1 matched, but its lender changed its terms before it could be lent; search again</source>
        <translation>Angebot %1 passte, aber sein Verleiher hat die Bedingungen geändert, bevor es verliehen werden konnte; suchen Sie erneut</translation>
    </message>
    <message>
        <source>the market&apos;s database did not answer whether it made contract %1 on offer %2. Look at your running contracts before you borrow again: if it is there, it runs and is billed like any other, and you can end it</source>
        <translation>die Datenbank des Marktes hat nicht beantwortet, ob sie Vertrag %1 für Angebot %2 geschlossen hat. Sehen Sie in Ihren laufenden Verträgen nach, bevor Sie erneut leihen: Ist er dort, läuft er und wird wie jeder andere abgerechnet, und Sie können ihn beenden</translation>
    </message>
    <message>
        <source>the market&apos;s database did not answer whether contract %1 ended. Look at it again before you end it again</source>
        <translation>die Datenbank des Marktes hat nicht beantwortet, ob Vertrag %1 beendet ist. Sehen Sie ihn erneut an, bevor Sie ihn noch einmal beenden</translation>
    </message>
    <message>
        <source>requestId has %1 characters; at most %2</source>
        <translation>requestId hat %1 Zeichen; höchstens %2</translation>
    </message>
    <message>
        <source>requestId may hold only printable ASCII characters without spaces</source>
        <translation>requestId darf nur druckbare ASCII-Zeichen ohne Leerzeichen enthalten</translation>
    </message>
</context>
<context>
    <name>MarketStore</name>
    <message>
        <source>partition %1 is lent (contract %2): its lending conditions cannot change until the contract ends</source>
        <translation>Partition %1 ist verliehen (Vertrag %2): ihre Leihbedingungen können sich erst nach Vertragsende ändern</translation>
    </message>
    <message>
        <source>partition %1 was lent meanwhile; try again after the contract ends</source>
        <translation>Partition %1 wurde inzwischen verliehen; versuchen Sie es nach Vertragsende erneut</translation>
    </message>
    <message>
        <source>partition %1 is not registered with this market</source>
        <translation>Partition %1 ist bei diesem Marktplatz nicht angemeldet</translation>
    </message>
    <message>
        <source>partition %1 is lent (contract %2): it cannot be altered until the contract ends (FIG. 7, S25)</source>
        <translation>Partition %1 ist verliehen (Vertrag %2): sie kann bis Vertragsende nicht geändert werden (FIG. 7, S25)</translation>
    </message>
    <message>
        <source>partition %1 is lent (contract %2): it cannot be withdrawn until the contract ends</source>
        <translation>Partition %1 ist verliehen (Vertrag %2): sie kann bis Vertragsende nicht zurückgezogen werden</translation>
    </message>
    <message>
        <source>partition %1 of lender %2 is not registered</source>
        <translation>Partition %1 von Verleiher %2 ist nicht angemeldet</translation>
    </message>
    <message>
        <source>partition %1 is not externally referenced: its lender holds its allocation</source>
        <translation>Partition %1 wird nicht extern verwaltet: ihr Verleiher hält ihre Zuteilung</translation>
    </message>
    <message>
        <source>partition %1 is lent (contract %2): its allocation is locked</source>
        <translation>Partition %1 ist verliehen (Vertrag %2): ihre Zuteilung ist gesperrt</translation>
    </message>
    <message>
        <source>the lender&apos;s externally referenced partitions would need %1, but it registered only %2</source>
        <translation>die extern verwalteten Partitionen des Verleihers bräuchten %1, er hat aber nur %2 angemeldet</translation>
    </message>
    <message>
        <source>partition %1 was lent meanwhile</source>
        <translation>Partition %1 wurde inzwischen verliehen</translation>
    </message>
    <message>
        <source>there is no offer %1</source>
        <translation>es gibt kein Angebot %1</translation>
    </message>
    <message>
        <source>offer %1 was withdrawn by its lender</source>
        <translation>Angebot %1 wurde von seinem Verleiher zurückgezogen</translation>
    </message>
    <message>
        <source>offer %1 (partition %2) is already lent</source>
        <translation>Angebot %1 (Partition %2) ist bereits verliehen</translation>
    </message>
    <message>
        <source>the lender of offer %1 is offline</source>
        <translation>der Verleiher von Angebot %1 ist offline</translation>
    </message>
    <message>
        <source>there is no contract %1</source>
        <translation>es gibt keinen Vertrag %1</translation>
    </message>
    <message>
        <source>contract %1 belongs to another borrower</source>
        <translation>Vertrag %1 gehört einem anderen Entleiher</translation>
    </message>
    <message>
        <source>contract %1 has already ended</source>
        <translation>Vertrag %1 ist bereits beendet</translation>
    </message>
    <message>
        <source>the report period ends (%1) before it starts (%2)</source>
        <translation>der Berichtszeitraum endet (%1), bevor er beginnt (%2)</translation>
    </message>
    <message>
        <source>a report covers at most ten years</source>
        <translation>ein Bericht umfasst höchstens zehn Jahre</translation>
    </message>
    <message>
        <source>offer %1 (partition %2) has a new allocation its lender has not confirmed yet; try again in a moment</source>
        <translation>Angebot %1 (Partition %2) hat eine neue Zuteilung, die sein Verleiher noch nicht bestätigt hat; versuchen Sie es gleich noch einmal</translation>
    </message>
    <message>
        <source>the report period starts before 1970</source>
        <translation>der Berichtszeitraum beginnt vor 1970</translation>
    </message>
    <message>
        <source>the lender changed the terms of offer %1 since you saw them: %2</source>
        <translation>der Verleiher hat die Bedingungen von Angebot %1 geändert, seit Sie sie gesehen haben: %2</translation>
    </message>
    <message>
        <source>the report period ends after the year 9999 (%1)</source>
        <translation>der Berichtszeitraum endet nach dem Jahr 9999 (%1)</translation>
    </message>
    <message>
        <source>the lender changed the terms of offer %1 since it was matched</source>
        <translation>der Verleiher hat die Bedingungen von Angebot %1 seit dem Abgleich geändert</translation>
    </message>
    <message>
        <source>negative resources: %1</source>
        <translation>negative Ressourcen: %1</translation>
    </message>
    <message>
        <source>partition %1 needs at least %2 (asked for %3)</source>
        <translation>Partition %1 braucht mindestens %2 (verlangt: %3)</translation>
    </message>
    <message>
        <source>request ID %1 was used for offer %2, not %3</source>
        <translation>die Anfrage-ID %1 wurde für Angebot %2 verwendet, nicht für %3</translation>
    </message>
    <message>
        <source>your borrow %1 made contract %2, which has ended since</source>
        <translation>Ihre Ausleihe %1 hat Vertrag %2 geschlossen, der inzwischen beendet ist</translation>
    </message>
</context>
<context>
    <name>OfferIndex</name>
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
        <source>not connected to the market</source>
        <translation>nicht mit dem Marktplatz verbunden</translation>
    </message>
</context>
<context>
    <name>QueryLanguage</name>
    <message>
        <source>bad query token &apos;%1&apos;: %2</source>
        <translation>ungültiges Suchelement &apos;%1&apos;: %2</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a whole number</source>
        <translation>&apos;%1&apos; ist keine ganze Zahl</translation>
    </message>
    <message>
        <source>%1 is above the largest accepted value %2</source>
        <translation>%1 liegt über dem größten zulässigen Wert %2</translation>
    </message>
    <message>
        <source>expected key, operator and value, as in cpus&gt;=2 (keys: %1)</source>
        <translation>Schlüssel, Operator und Wert erwartet, wie in cpus&gt;=2 (Schlüssel: %1)</translation>
    </message>
    <message>
        <source>unknown operator (use &gt;=, &gt;, &lt;=, &lt;, = or !=)</source>
        <translation>unbekannter Operator (verwenden Sie &gt;=, &gt;, &lt;=, &lt;, = oder !=)</translation>
    </message>
    <message>
        <source>the value is missing</source>
        <translation>der Wert fehlt</translation>
    </message>
    <message>
        <source>&apos;%1&apos; takes only &apos;=&apos;</source>
        <translation>&apos;%1&apos; erlaubt nur &apos;=&apos;</translation>
    </message>
    <message>
        <source>a rate cannot be negative</source>
        <translation>ein Preis kann nicht negativ sein</translation>
    </message>
    <message>
        <source>&apos;os&apos; takes only &apos;=&apos; or &apos;!=&apos;</source>
        <translation>&apos;os&apos; erlaubt nur &apos;=&apos; oder &apos;!=&apos;</translation>
    </message>
    <message>
        <source>the limit must be at least 1</source>
        <translation>das Limit muss mindestens 1 sein</translation>
    </message>
    <message>
        <source>unknown key &apos;%1&apos; (keys: %2)</source>
        <translation>unbekannter Schlüssel &apos;%1&apos; (Schlüssel: %2)</translation>
    </message>
    <message>
        <source>search requirements, offset and limit cannot be negative</source>
        <translation>Suchanforderungen, Offset und Limit können nicht negativ sein</translation>
    </message>
    <message>
        <source>the maximum rate cannot be negative</source>
        <translation>der Höchstpreis kann nicht negativ sein</translation>
    </message>
    <message>
        <source>it is %1 characters long; a token has at most %2</source>
        <translation>es ist %1 Zeichen lang; ein Suchelement hat höchstens %2</translation>
    </message>
    <message>
        <source>the query is %1 characters long; at most %2 are accepted</source>
        <translation>die Suche ist %1 Zeichen lang; höchstens %2 werden angenommen</translation>
    </message>
    <message>
        <source>the OS image name &apos;%1&apos; is %2 characters long; at most %3 are accepted</source>
        <translation>der Name des Betriebssystem-Abbilds &apos;%1&apos; ist %2 Zeichen lang; höchstens %3 werden angenommen</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a duration (as in 2h, 90m, 1d, 1:30:00 or none)</source>
        <translation>&apos;%1&apos; ist keine Dauer (etwa 2h, 90m, 1d, 1:30:00 oder none)</translation>
    </message>
    <message>
        <source>unknown order &apos;%1&apos; (use rate, cpus, memory, disk, reliability or time, &apos;-&apos; in front to reverse)</source>
        <translation>unbekannte Sortierung &apos;%1&apos; (verwenden Sie rate, cpus, memory, disk, reliability oder time, &apos;-&apos; davor kehrt sie um)</translation>
    </message>
</context>
<context>
    <name>lendable::market::BillingPage</name>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>Letzte 90 Tage</translation>
    </message>
    <message>
        <source>Export invoices (CSV)…</source>
        <translation>Rechnungen exportieren (CSV)…</translation>
    </message>
    <message>
        <source>Export payouts (CSV)…</source>
        <translation>Auszahlungen exportieren (CSV)…</translation>
    </message>
    <message>
        <source>Export report (PDF)…</source>
        <translation>Bericht exportieren (PDF)…</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Zeitraum:</translation>
    </message>
    <message>
        <source>Export invoices</source>
        <translation>Rechnungen exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Export payouts</source>
        <translation>Auszahlungen exportieren</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>Bericht exportieren</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF-Dateien (*.pdf)</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>Umsatz</translation>
    </message>
    <message>
        <source>Market fees</source>
        <translation>Marktplatz-Provisionen</translation>
    </message>
    <message>
        <source>Lender payouts</source>
        <translation>Auszahlungen an Verleiher</translation>
    </message>
    <message>
        <source>Lent capacity %</source>
        <translation>Verliehene Kapazität %</translation>
    </message>
    <message>
        <source>Revenue per day</source>
        <translation>Umsatz pro Tag</translation>
    </message>
    <message>
        <source>Fees vs payouts</source>
        <translation>Provisionen und Auszahlungen</translation>
    </message>
    <message>
        <source>Borrowers (charged)</source>
        <translation>Entleiher (belastet)</translation>
    </message>
    <message>
        <source>Lenders (paid)</source>
        <translation>Verleiher (ausgezahlt)</translation>
    </message>
    <message>
        <source>Top borrowers and lenders</source>
        <translation>Wichtigste Entleiher und Verleiher</translation>
    </message>
    <message>
        <source>Utilisation of lent capacity</source>
        <translation>Auslastung der verliehenen Kapazität</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Lendable billing report</source>
        <translation>Lendable-Abrechnungsbericht</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>Seite %1</translation>
    </message>
    <message>
        <source>Lendable billing report · %1 to %2 (UTC) · made %3 UTC</source>
        <translation>Lendable-Abrechnungsbericht · %1 bis %2 (UTC) · erstellt %3 UTC</translation>
    </message>
    <message>
        <source>Lendable billing report — %1 (%2 to %3)</source>
        <translation>Lendable-Abrechnungsbericht — %1 (%2 bis %3)</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(kein Name)</translation>
    </message>
    <message numerus="yes">
        <source>Total (%n borrower(s))</source>
        <translation>
            <numerusform>Summe (%n Entleiher)</numerusform>
            <numerusform>Summe (%n Entleiher)</numerusform>
        </translation>
    </message>
    <message>
        <source>Invoices by borrower</source>
        <translation>Rechnungen je Entleiher</translation>
    </message>
    <message>
        <source>Borrower</source>
        <translation>Entleiher</translation>
    </message>
    <message>
        <source>Node ID</source>
        <translation>Knoten-ID</translation>
    </message>
    <message>
        <source>Contracts</source>
        <translation>Verträge</translation>
    </message>
    <message>
        <source>Hours lent</source>
        <translation>Geliehene Stunden</translation>
    </message>
    <message>
        <source>Charged</source>
        <translation>Berechnet</translation>
    </message>
    <message numerus="yes">
        <source>Total (%n lender(s))</source>
        <translation>
            <numerusform>Summe (%n Verleiher)</numerusform>
            <numerusform>Summe (%n Verleiher)</numerusform>
        </translation>
    </message>
    <message>
        <source>Payouts by lender</source>
        <translation>Auszahlungen je Verleiher</translation>
    </message>
    <message>
        <source>Lender</source>
        <translation>Verleiher</translation>
    </message>
    <message>
        <source>Market fee</source>
        <translation>Marktplatz-Provision</translation>
    </message>
    <message>
        <source>Payout</source>
        <translation>Auszahlung</translation>
    </message>
    <message>
        <source>the period has %1 contracts; an export holds at most %2: choose a shorter period</source>
        <translation>der Zeitraum hat %1 Verträge; ein Export fasst höchstens %2: wählen Sie einen kürzeren Zeitraum</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>Eigener Zeitraum</translation>
    </message>
    <message>
        <source>The period&apos;s first day (UTC)</source>
        <translation>Erster Tag des Zeitraums (UTC)</translation>
    </message>
    <message>
        <source>The period&apos;s last day (UTC), included</source>
        <translation>Letzter Tag des Zeitraums (UTC), einschließlich</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>a billing period needs a valid first and last day</source>
        <translation>ein Abrechnungszeitraum braucht einen gültigen ersten und letzten Tag</translation>
    </message>
    <message>
        <source>a billing period starts in 2000 or later, not on %1</source>
        <translation>ein Abrechnungszeitraum beginnt frühestens im Jahr 2000, nicht am %1</translation>
    </message>
    <message>
        <source>the billing period&apos;s last day (%1) is before its first (%2)</source>
        <translation>der letzte Tag des Abrechnungszeitraums (%1) liegt vor seinem ersten (%2)</translation>
    </message>
    <message>
        <source>a billing period covers at most %1 days, not %2</source>
        <translation>ein Abrechnungszeitraum umfasst höchstens %1 Tage, nicht %2</translation>
    </message>
    <message>
        <source>Lendable billing report — %1 to %2</source>
        <translation>Lendable-Abrechnungsbericht — %1 bis %2</translation>
    </message>
    <message>
        <source>The contracts that ended in the period, each billed in full when it ended, as the CSV exports list them; the totals on page 1 are the sums of these bills. Running contracts are billed when they end.</source>
        <translation>Die Verträge, die im Zeitraum endeten, jeweils vollständig bei ihrem Ende abgerechnet, wie die CSV-Exporte sie aufführen; die Summen auf Seite 1 sind die Summen dieser Rechnungen. Laufende Verträge werden abgerechnet, wenn sie enden.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Exact: revenue %1, fees %2, payouts %3</source>
        <translation>Genau: Umsatz %1, Gebühren %2, Auszahlungen %3</translation>
    </message>
    <message>
        <source>%1 (lender)</source>
        <translation>%1 (Verleiher)</translation>
    </message>
    <message>
        <source>%1 (borrower)</source>
        <translation>%1 (Entleiher)</translation>
    </message>
    <message>
        <source>Revenue per week</source>
        <translation>Umsatz pro Woche</translation>
    </message>
    <message>
        <source>Revenue per month</source>
        <translation>Umsatz pro Monat</translation>
    </message>
    <message>
        <source>Fees vs payouts per week</source>
        <translation>Provisionen und Auszahlungen pro Woche</translation>
    </message>
    <message>
        <source>Fees vs payouts per month</source>
        <translation>Provisionen und Auszahlungen pro Monat</translation>
    </message>
    <message>
        <source>Revenue %1 · Fees %2 · Payouts %3 · Fee %4 %</source>
        <translation>Umsatz %1 · Provisionen %2 · Auszahlungen %3 · Provision %4 %</translation>
    </message>
</context>
<context>
    <name>lendable::market::ContractsPage</name>
    <message>
        <source>Running only</source>
        <translation>Nur laufende</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>Vertrag</translation>
    </message>
    <message>
        <source>Borrower</source>
        <translation>Entleiher</translation>
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
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>ended</source>
        <translation>beendet</translation>
    </message>
    <message>
        <source>Search by contract or partition ID, borrower or lender name or ID</source>
        <translation>Suche nach Vertrags- oder Partitions-ID, Name oder ID von Entleiher oder Verleiher</translation>
    </message>
    <message numerus="yes">
        <source>%Ln running contract(s)</source>
        <translation>
            <numerusform>%Ln laufender Vertrag</numerusform>
            <numerusform>%Ln laufende Verträge</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln contract(s)</source>
        <translation>
            <numerusform>%Ln Vertrag</numerusform>
            <numerusform>%Ln Verträge</numerusform>
        </translation>
    </message>
    <message>
        <source>No running contract matches “%1”.</source>
        <translation>Kein laufender Vertrag passt zu „%1“.</translation>
    </message>
    <message>
        <source>No contract matches “%1”.</source>
        <translation>Kein Vertrag passt zu „%1“.</translation>
    </message>
    <message>
        <source>No contract is running.</source>
        <translation>Kein Vertrag läuft.</translation>
    </message>
    <message>
        <source>No contracts yet.</source>
        <translation>Noch keine Verträge.</translation>
    </message>
    <message>
        <source>Shown in this computer&apos;s time zone (%1). In UTC, as billing periods and exports go: %2.</source>
        <translation>In der Zeitzone dieses Computers (%1). In UTC, wie Abrechnungszeiträume und Exporte: %2.</translation>
    </message>
    <message>
        <source>When the contract started, in this computer&apos;s time zone (%1). Billing periods and exports go by UTC.</source>
        <translation>Beginn des Vertrags, in der Zeitzone dieses Computers (%1). Abrechnungszeiträume und Exporte richten sich nach UTC.</translation>
    </message>
    <message>
        <source>When the contract ended, in this computer&apos;s time zone (%1). Billing periods and exports go by UTC.</source>
        <translation>Ende des Vertrags, in der Zeitzone dieses Computers (%1). Abrechnungszeiträume und Exporte richten sich nach UTC.</translation>
    </message>
</context>
<context>
    <name>lendable::market::MarketService</name>
    <message>
        <source>a partition must offer at least 1 vCPU</source>
        <translation>eine Partition muss mindestens 1 vCPU anbieten</translation>
    </message>
    <message>
        <source>a partition must offer some memory</source>
        <translation>eine Partition muss etwas Arbeitsspeicher anbieten</translation>
    </message>
    <message>
        <source>the disk size cannot be negative</source>
        <translation>die Festplattengröße kann nicht negativ sein</translation>
    </message>
    <message>
        <source>the rate cannot be negative (%1)</source>
        <translation>der Preis kann nicht negativ sein (%1)</translation>
    </message>
    <message>
        <source>the maximum duration cannot be negative</source>
        <translation>die Höchstdauer kann nicht negativ sein</translation>
    </message>
    <message>
        <source>a partition must offer at least one OS image</source>
        <translation>eine Partition muss mindestens ein OS-Image anbieten</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an image name (letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;+&apos;, &apos;-&apos;; at most 64)</source>
        <translation>&apos;%1&apos; ist kein Image-Name (Buchstaben, Ziffern, &apos;.&apos;, &apos;_&apos;, &apos;+&apos;, &apos;-&apos;; höchstens 64)</translation>
    </message>
    <message>
        <source>node %1 is not an administrator of this market (start it with --admin-id %1 to allow it)</source>
        <translation>Knoten %1 verwaltet diesen Marktplatz nicht (starten Sie ihn mit --admin-id %1, um es zu erlauben)</translation>
    </message>
    <message>
        <source>%1 is for the %2 role; this connection is %3</source>
        <translation>%1 ist für die Rolle %2; diese Verbindung ist %3</translation>
    </message>
    <message>
        <source>the market is shutting down</source>
        <translation>der Marktplatz wird heruntergefahren</translation>
    </message>
    <message>
        <source>a partition ID of 1 to 128 characters is required</source>
        <translation>eine Partitions-ID mit 1 bis 128 Zeichen ist erforderlich</translation>
    </message>
    <message>
        <source>the agent address (host:port where borrowers reach the lender) is required</source>
        <translation>die Agent-Adresse (host:port, unter der Entleiher den Verleiher erreichen) ist erforderlich</translation>
    </message>
    <message>
        <source>no contract is running on partition %1</source>
        <translation>auf Partition %1 läuft kein Vertrag</translation>
    </message>
    <message>
        <source>partition %1 is lent to another borrower</source>
        <translation>Partition %1 ist an einen anderen Entleiher verliehen</translation>
    </message>
    <message>
        <source>the lending key does not match contract %1</source>
        <translation>der Leihschlüssel passt nicht zu Vertrag %1</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an image name (letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;+&apos;, &apos;-&apos;)</source>
        <translation>&apos;%1&apos; ist kein Image-Name (Buchstaben, Ziffern, &apos;.&apos;, &apos;_&apos;, &apos;+&apos;, &apos;-&apos;)</translation>
    </message>
    <message>
        <source>this market has no data directory to keep images in</source>
        <translation>dieser Marktplatz hat kein Datenverzeichnis für Images</translation>
    </message>
    <message>
        <source>cannot read image archive %1: %2</source>
        <translation>Image-Archiv %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>name an image by SHA-256 or by name</source>
        <translation>nennen Sie ein Image per SHA-256 oder Name</translation>
    </message>
    <message>
        <source>offset and length cannot be negative</source>
        <translation>Offset und Länge können nicht negativ sein</translation>
    </message>
    <message>
        <source>this market holds no image %1</source>
        <translation>dieser Marktplatz hat kein Image %1</translation>
    </message>
    <message>
        <source>offset %1 is beyond the end of image %2 (%3 bytes)</source>
        <translation>Offset %1 liegt hinter dem Ende von Image %2 (%3 Bytes)</translation>
    </message>
    <message>
        <source>cannot read image %1: %2</source>
        <translation>Image %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 excluded %2</source>
        <translation>%1 schloss %2 aus</translation>
    </message>
    <message>
        <source>no offer is available</source>
        <translation>kein Angebot ist verfügbar</translation>
    </message>
    <message>
        <source>no offer matches: %1</source>
        <translation>kein Angebot passt: %1</translation>
    </message>
    <message>
        <source>the market wrote this request but could not make it durable (%1); it may be undone by a power cut. List your contracts to see where it stands.</source>
        <translation>der Markt hat diese Anfrage geschrieben, konnte sie aber nicht dauerhaft sichern (%1); ein Stromausfall kann sie rückgängig machen. Listen Sie Ihre Verträge auf, um ihren Stand zu sehen.</translation>
    </message>
    <message>
        <source>the lender&apos;s name is %1 characters long; at most %2 are kept</source>
        <translation>der Name des Verleihers ist %1 Zeichen lang; höchstens %2 werden gespeichert</translation>
    </message>
    <message>
        <source>the borrower&apos;s name is %1 characters long; at most %2 are kept</source>
        <translation>der Name des Entleihers ist %1 Zeichen lang; höchstens %2 werden gespeichert</translation>
    </message>
    <message>
        <source>the lender&apos;s name contains a control character (U+%1)</source>
        <translation>der Name des Verleihers enthält ein Steuerzeichen (U+%1)</translation>
    </message>
    <message>
        <source>the borrower&apos;s name contains a control character (U+%1)</source>
        <translation>der Name des Entleihers enthält ein Steuerzeichen (U+%1)</translation>
    </message>
    <message>
        <source>you have no contract %1 at this market</source>
        <translation>Sie haben keinen Vertrag %1 bei diesem Markt</translation>
    </message>
    <message>
        <source>the rate %1 is above the highest this market takes, %2 per hour</source>
        <translation>der Preis %1 liegt über dem höchsten, den dieser Marktplatz annimmt: %2 pro Stunde</translation>
    </message>
    <message>
        <source>at most %1 detail terms are allowed; this request has %2</source>
        <translation>höchstens %1 Begriffe für die Details sind erlaubt; diese Anfrage hat %2</translation>
    </message>
    <message>
        <source>a detail term must have 1 to %1 characters</source>
        <translation>ein Begriff für die Details muss 1 bis %1 Zeichen haben</translation>
    </message>
    <message>
        <source>the market wrote this request but could not make it durable (%1); it may be undone by a power cut</source>
        <translation>der Markt hat diese Anfrage geschrieben, konnte sie aber nicht dauerhaft sichern (%1); ein Stromausfall kann sie rückgängig machen</translation>
    </message>
    <message>
        <source>agreed terms need the offer they were agreed for (offerId)</source>
        <translation>vereinbarte Bedingungen brauchen das Angebot, für das sie vereinbart wurden (offerId)</translation>
    </message>
    <message>
        <source>agreedTerms: %1</source>
        <translation>agreedTerms: %1</translation>
    </message>
    <message>
        <source>the maximum duration is at most %1 s (100 years)</source>
        <translation>die Höchstdauer beträgt höchstens %1 s (100 Jahre)</translation>
    </message>
    <message>
        <source>the vCPUs cannot be negative</source>
        <translation>die vCPUs können nicht negativ sein</translation>
    </message>
    <message>
        <source>the memory cannot be negative</source>
        <translation>der Arbeitsspeicher kann nicht negativ sein</translation>
    </message>
    <message>
        <source>%1 vCPUs: a partition has at most %2</source>
        <translation>%1 vCPUs: eine Partition hat höchstens %2</translation>
    </message>
    <message>
        <source>%1 MiB of memory: a partition has at most %2 MiB (1 PiB)</source>
        <translation>%1 MiB Arbeitsspeicher: eine Partition hat höchstens %2 MiB (1 PiB)</translation>
    </message>
    <message>
        <source>%1 MiB of disk: a partition has at most %2 MiB (16 PiB)</source>
        <translation>%1 MiB Festplatte: eine Partition hat höchstens %2 MiB (16 PiB)</translation>
    </message>
    <message>
        <source>the agent address is %1 characters long; a host:port has at most %2</source>
        <translation>die Agent-Adresse ist %1 Zeichen lang; ein host:port hat höchstens %2</translation>
    </message>
    <message>
        <source>the agent address holds spaces or control characters</source>
        <translation>die Agent-Adresse enthält Leer- oder Steuerzeichen</translation>
    </message>
    <message>
        <source>the agent address: %1</source>
        <translation>die Agent-Adresse: %1</translation>
    </message>
    <message>
        <source>a partition ID may not hold control characters, line breaks or bidirectional embeddings, overrides or isolates, nor begin or end with a space</source>
        <translation>eine Partitions-ID darf keine Steuerzeichen, Zeilenumbrüche oder bidirektionalen Einbettungen, Überschreibungen oder Isolierungen enthalten und nicht mit einem Leerzeichen beginnen oder enden</translation>
    </message>
    <message>
        <source>this market process has no file of image %1 (%2): it was imported by another process on the same database. Import it here too, or give every process the same --images directory</source>
        <translation>dieser Marktprozess hat keine Datei des Abbilds %1 (%2): Es wurde von einem anderen Prozess an derselben Datenbank importiert. Importieren Sie es auch hier, oder geben Sie jedem Prozess dasselbe Verzeichnis --images</translation>
    </message>
    <message>
        <source>image %1 is damaged on this market: %2 of its %3 bytes are on disk (import it again)</source>
        <translation>Abbild %1 ist auf diesem Markt beschädigt: %2 seiner %3 Bytes liegen auf der Platte (importieren Sie es erneut)</translation>
    </message>
    <message>
        <source>%1 OS image names: a partition offers at most %2</source>
        <translation>%1 Namen von OS-Images: eine Partition bietet höchstens %2 an</translation>
    </message>
    <message>
        <source>requestId is a borrower&apos;s; a lender lists its bills without it</source>
        <translation>requestId gehört zu einem Entleiher; ein Verleiher listet seine Rechnungen ohne sie</translation>
    </message>
    <message>
        <source>requestId is empty</source>
        <translation>requestId ist leer</translation>
    </message>
    <message>
        <source>your borrow %1 made no contract at this market</source>
        <translation>Ihre Ausleihe %1 hat bei diesem Markt keinen Vertrag geschlossen</translation>
    </message>
</context>
<context>
    <name>lendable::market::MarketWindow</name>
    <message>
        <source>Lendable Market Manager</source>
        <translation>Lendable Marktplatz-Verwaltung</translation>
    </message>
    <message>
        <source>Lenders &amp;&amp; partitions</source>
        <translation>Verleiher &amp;&amp; Partitionen</translation>
    </message>
    <message>
        <source>Contracts</source>
        <translation>Verträge</translation>
    </message>
    <message>
        <source>Billing</source>
        <translation>Abrechnung</translation>
    </message>
    <message>
        <source>Market %1 · %2</source>
        <translation>Marktplatz %1 · %2</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
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
        <source>The market: resource database, contracts and billing of lent computer partitions.</source>
        <translation>Der Marktplatz: Ressourcendatenbank, Verträge und Abrechnung verliehener Computer-Partitionen.</translation>
    </message>
    <message>
        <source>Disconnected from the market: %1</source>
        <translation>Verbindung zum Marktplatz getrennt: %1</translation>
    </message>
    <message>
        <source>Violations</source>
        <translation>Verstöße</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Exporting to %1…</source>
        <translation>Exportiere nach %1…</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>%1 geschrieben</translation>
    </message>
    <message>
        <source>Attached as admin %1.</source>
        <translation>Verbunden als Administrator %1.</translation>
    </message>
    <message>
        <source>The market&apos;s ID (lenders and borrowers pin it):</source>
        <translation>Die ID des Marktplatzes (Verleiher und Entleiher legen sie fest):</translation>
    </message>
    <message>
        <source>Disconnected from the market: %1. Connecting again…</source>
        <translation>Verbindung zum Marktplatz getrennt: %1. Neue Verbindung wird aufgebaut…</translation>
    </message>
    <message>
        <source>Disconnected · connecting again… · the figures shown are from before</source>
        <translation>Getrennt · neue Verbindung wird aufgebaut… · die angezeigten Zahlen sind von vorher</translation>
    </message>
    <message>
        <source>Disconnected · the figures shown are from before</source>
        <translation>Getrennt · die angezeigten Zahlen sind von vorher</translation>
    </message>
    <message>
        <source>Disconnected · trying again in %1 s (%2) · the figures shown are from before</source>
        <translation>Getrennt · neuer Versuch in %1 s (%2) · die angezeigten Zahlen sind von vorher</translation>
    </message>
    <message>
        <source>Connected to the market again.</source>
        <translation>Wieder mit dem Marktplatz verbunden.</translation>
    </message>
    <message>
        <source>Not connected to the market: the tabs are refreshed once it is back.</source>
        <translation>Nicht mit dem Markt verbunden: Die Reiter werden aktualisiert, sobald er wieder da ist.</translation>
    </message>
    <message>
        <source>Not connected to the market: there is nothing to refresh.</source>
        <translation>Nicht mit dem Markt verbunden: Es gibt nichts zu aktualisieren.</translation>
    </message>
    <message>
        <source>the market</source>
        <translation>der Markt</translation>
    </message>
    <message>
        <source>Not connected to the market yet: the tabs are filled once it answers.</source>
        <translation>Noch nicht mit dem Markt verbunden: Die Reiter werden gefüllt, sobald er antwortet.</translation>
    </message>
    <message>
        <source>Connecting to the market at %1…</source>
        <translation>Verbinde mit dem Markt unter %1…</translation>
    </message>
    <message>
        <source>Not connected · trying again in %1 s (%2)</source>
        <translation>Nicht verbunden · neuer Versuch in %1 s (%2)</translation>
    </message>
    <message>
        <source>Connected to the market.</source>
        <translation>Mit dem Markt verbunden.</translation>
    </message>
    <message>
        <source>the market at %1: %2</source>
        <translation>der Markt unter %1: %2</translation>
    </message>
    <message>
        <source>Cannot connect: %1. Trying again until the market answers; the tabs are filled then.</source>
        <translation>Keine Verbindung: %1. Neue Versuche, bis der Markt antwortet; dann werden die Reiter gefüllt.</translation>
    </message>
</context>
<context>
    <name>lendable::market::PartitionsPage</name>
    <message>
        <source>Rebalance…</source>
        <translation>Neu zuteilen…</translation>
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
        <source>Lender status</source>
        <translation>Verleiher-Status</translation>
    </message>
    <message>
        <source>Lending status</source>
        <translation>Leihstatus</translation>
    </message>
    <message>
        <source>Change the allocation of an unlent partition whose allocation the market holds</source>
        <translation>Die Zuteilung einer nicht verliehenen Partition ändern, deren Zuteilung der Marktplatz hält</translation>
    </message>
    <message>
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>free</source>
        <translation>frei</translation>
    </message>
    <message>
        <source>lent to %1</source>
        <translation>verliehen an %1</translation>
    </message>
    <message>
        <source>Rebalance Partition %1</source>
        <translation>Partition %1 neu zuteilen</translation>
    </message>
    <message>
        <source>free, new allocation not yet confirmed by the lender</source>
        <translation>frei, neue Zuteilung vom Verleiher noch nicht bestätigt</translation>
    </message>
    <message>
        <source>The market checks the lender&apos;s budget; the lender applies the change the next time it generates the partition. If the lender refuses it, the partition keeps its allocation.</source>
        <translation>Der Marktplatz prüft das Budget des Verleihers; der Verleiher übernimmt die Änderung, wenn er die Partition das nächste Mal erzeugt. Lehnt der Verleiher sie ab, behält die Partition ihre Zuteilung.</translation>
    </message>
    <message>
        <source>free; on %1 the lender refused %2 vCPUs, %3 memory, %4 disk: %5</source>
        <translation>frei; am %1 lehnte der Verleiher %2 vCPUs, %3 Arbeitsspeicher, %4 Festplatte ab: %5</translation>
    </message>
    <message>
        <source>Filter by partition ID, lender or borrower name or ID</source>
        <translation>Nach Partitions-ID, Name oder ID von Verleiher oder Entleiher filtern</translation>
    </message>
    <message>
        <source>Reliability</source>
        <translation>Zuverlässigkeit</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message numerus="yes">
        <source>%Ln partition(s)</source>
        <translation>
            <numerusform>%Ln Partition</numerusform>
            <numerusform>%Ln Partitionen</numerusform>
        </translation>
    </message>
    <message>
        <source>No partition matches “%1”.</source>
        <translation>Keine Partition passt zu „%1“.</translation>
    </message>
    <message>
        <source>Its lender holds this partition&apos;s allocation: only partitions registered with the market holding their allocation can be rebalanced</source>
        <translation>Ihr Verleiher hält die Zuteilung dieser Partition: nur Partitionen, deren Zuteilung der Marktplatz hält, können neu verteilt werden</translation>
    </message>
    <message>
        <source>This partition is lent: its allocation is locked until the contract ends</source>
        <translation>Diese Partition ist verliehen: ihre Zuteilung ist bis zum Vertragsende gesperrt</translation>
    </message>
    <message>
        <source>The sliders go as far as the lender&apos;s budget allows: what it has not given its other partitions. The lender applies the change the next time it generates the partition; if it refuses it, the partition keeps its allocation.</source>
        <translation>Die Regler reichen so weit, wie das Budget des Verleihers erlaubt: was es seinen anderen Partitionen nicht gegeben hat. Der Verleiher übernimmt die Änderung, wenn er die Partition das nächste Mal erzeugt; lehnt er sie ab, behält die Partition ihre Zuteilung.</translation>
    </message>
    <message numerus="yes">
        <source>Partition %1 now has %n vCPU(s), %2 memory and %3 disk; its lender applies that the next time it generates the partition.</source>
        <translation>
            <numerusform>Partition %1 hat jetzt %n vCPU, %2 Arbeitsspeicher und %3 Festplatte; ihr Verleiher übernimmt das, wenn er die Partition das nächste Mal erzeugt.</numerusform>
            <numerusform>Partition %1 hat jetzt %n vCPUs, %2 Arbeitsspeicher und %3 Festplatte; ihr Verleiher übernimmt das, wenn er die Partition das nächste Mal erzeugt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>Zeitlimit</translation>
    </message>
    <message>
        <source>%1 cannot be %2: %3.</source>
        <translation>%1 kann nicht %2 sein: %3.</translation>
    </message>
    <message>
        <source>Nothing to change: the partition has these values already. Move a slider or type a new value, or Cancel.</source>
        <translation>Nichts zu ändern: die Partition hat diese Werte bereits. Bewegen Sie einen Schieberegler oder geben Sie einen neuen Wert ein, oder brechen Sie ab.</translation>
    </message>
    <message>
        <source>Not connected to the market.</source>
        <translation>Nicht mit dem Marktplatz verbunden.</translation>
    </message>
</context>
<context>
    <name>lendable::market::ServicePage</name>
    <message>
        <source>Searches</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Borrows</source>
        <translation>Ausleihen</translation>
    </message>
    <message>
        <source>Ends</source>
        <translation>Beendigungen</translation>
    </message>
    <message>
        <source>Registrations</source>
        <translation>Registrierungen</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Andere</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Per second</source>
        <translation>Pro Sekunde</translation>
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
        <translation>Beantwortet seit dem Start</translation>
    </message>
    <message numerus="yes">
        <source>The market&apos;s own time per request, from the decoded request to the answer handed to the connection (borrows, ends and registrations: after their commit), over the last %n second(s).</source>
        <translation>
            <numerusform>Die eigene Zeit des Marktplatzes pro Anfrage, von der entschlüsselten Anfrage bis zur an die Verbindung übergebenen Antwort (Ausleihen, Beendigungen und Registrierungen: nach ihrem Commit), in der letzten %n Sekunde.</numerusform>
            <numerusform>Die eigene Zeit des Marktplatzes pro Anfrage, von der entschlüsselten Anfrage bis zur an die Verbindung übergebenen Antwort (Ausleihen, Beendigungen und Registrierungen: nach ihrem Commit), in den letzten %n Sekunden.</numerusform>
        </translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>Asking the market…</source>
        <translation>Frage den Marktplatz…</translation>
    </message>
    <message>
        <source>%1 % of a core</source>
        <translation>%1 % eines Kerns</translation>
    </message>
    <message>
        <source>Up %1, since %2 · %3 connections · %4 offers · %5 MiB resident · CPU %6</source>
        <translation>Läuft %1, seit %2 · %3 Verbindungen · %4 Angebote · %5 MiB im Speicher · CPU %6</translation>
    </message>
    <message numerus="yes">
        <source>machine: %n core(s), %1 % busy, %2 % stolen</source>
        <translation>
            <numerusform>Rechner: %n Kern, %1 % ausgelastet, %2 % gestohlen</numerusform>
            <numerusform>Rechner: %n Kerne, %1 % ausgelastet, %2 % gestohlen</numerusform>
        </translation>
    </message>
    <message>
        <source>Requests per second</source>
        <translation>Anfragen pro Sekunde</translation>
    </message>
    <message>
        <source>p99 latency (ms)</source>
        <translation>p99-Latenz (ms)</translation>
    </message>
    <message numerus="yes">
        <source>Last %n minute(s)</source>
        <translation>
            <numerusform>Letzte %n Minute</numerusform>
            <numerusform>Letzte %n Minuten</numerusform>
        </translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Chart:</source>
        <translation>Diagramm:</translation>
    </message>
    <message>
        <source>The market&apos;s p99 per kind of request (ms)</source>
        <translation>p99 des Marktes je Anfrageart (ms)</translation>
    </message>
</context>
<context>
    <name>lendable::market::ViolationsPage</name>
    <message>
        <source>Reported</source>
        <translation>Gemeldet</translation>
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
        <source>Contract</source>
        <translation>Vertrag</translation>
    </message>
    <message>
        <source>Lease</source>
        <translation>Überlassung</translation>
    </message>
    <message>
        <source>What changed</source>
        <translation>Was sich änderte</translation>
    </message>
    <message>
        <source>Filter by lender, partition, contract or what changed</source>
        <translation>Nach Verleiher, Partition, Vertrag oder Änderung filtern</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>restored</source>
        <translation>wiederhergestellt</translation>
    </message>
    <message>
        <source>not restored: contract ended</source>
        <translation>nicht wiederhergestellt: Vertrag beendet</translation>
    </message>
    <message numerus="yes">
        <source>%Ln violation(s) reported</source>
        <translation>
            <numerusform>%Ln Verstoß gemeldet</numerusform>
            <numerusform>%Ln Verstöße gemeldet</numerusform>
        </translation>
    </message>
    <message>
        <source>As the lender reported it: %1</source>
        <translation>So vom Verleiher gemeldet: %1</translation>
    </message>
    <message>
        <source>When the market was told, in this computer&apos;s time zone (%1).</source>
        <translation>Wann der Markt davon erfuhr, in der Zeitzone dieses Computers (%1).</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Lendable Market Manager</source>
        <translation>Lendable Marktplatz-Verwaltung</translation>
    </message>
    <message>
        <source>Lendable Market Manager: the market service and its desktop app.</source>
        <translation>Lendable Marktplatz-Verwaltung: der Marktplatz-Dienst und seine Desktop-Anwendung.</translation>
    </message>
    <message>
        <source>Run without a window (handled by the launcher).</source>
        <translation>Ohne Fenster laufen (übernimmt der Starter).</translation>
    </message>
    <message>
        <source>Where the embedded market serves lenders and borrowers (default 127.0.0.1:7400).</source>
        <translation>Wo der eingebettete Marktplatz Verleiher und Entleiher bedient (Standard 127.0.0.1:7400).</translation>
    </message>
    <message>
        <source>Database URL of the embedded market.</source>
        <translation>Datenbank-URL des eingebetteten Marktplatzes.</translation>
    </message>
    <message>
        <source>Attach to a running market as admin.</source>
        <translation>Als Administrator mit einem laufenden Marktplatz verbinden.</translation>
    </message>
    <message>
        <source>Node ID of the market given with --connect.</source>
        <translation>Knoten-ID des mit --connect angegebenen Marktplatzes.</translation>
    </message>
    <message>
        <source>A node ID allowed to administer the embedded market (repeatable).</source>
        <translation>Eine Knoten-ID, die den eingebetteten Marktplatz verwalten darf (wiederholbar).</translation>
    </message>
    <message>
        <source>cannot create the signal pipe: %1</source>
        <translation>die Signal-Pipe kann nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>cannot install a signal handler: %1</source>
        <translation>ein Signal-Handler kann nicht installiert werden: %1</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a fee percentage between 0 and 100 with at most two decimals</source>
        <translation>&apos;%1&apos; ist kein Provisionssatz zwischen 0 und 100 mit höchstens zwei Nachkommastellen</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a node ID (64 hex characters)</source>
        <translation>&apos;%1&apos; ist keine Knoten-ID (64 Hex-Zeichen)</translation>
    </message>
    <message>
        <source>Lendable Market Manager: the market service (resource database, contracts, billing) and its desktop app.</source>
        <translation>Lendable Marktplatz-Verwaltung: der Marktplatz-Dienst (Ressourcendatenbank, Verträge, Abrechnung) und seine Desktop-Anwendung.</translation>
    </message>
    <message>
        <source>Run the market service without a window until SIGTERM/SIGINT.</source>
        <translation>Den Marktplatz-Dienst ohne Fenster bis SIGTERM/SIGINT ausführen.</translation>
    </message>
    <message>
        <source>Address to serve the protocol on (headless default 0.0.0.0:7400; port 0 = any free port).</source>
        <translation>Adresse, unter der das Protokoll angeboten wird (headless-Standard 0.0.0.0:7400; Port 0 = beliebiger freier Port).</translation>
    </message>
    <message>
        <source>Database URL: sqlite:PATH (default: market.db in the data directory) or postgresql://… (shared by several market processes).</source>
        <translation>Datenbank-URL: sqlite:PFAD (Standard: market.db im Datenverzeichnis) oder postgresql://… (von mehreren Marktplatz-Prozessen geteilt).</translation>
    </message>
    <message>
        <source>Node ID allowed to administer the market (repeatable).</source>
        <translation>Knoten-ID, die den Marktplatz verwalten darf (wiederholbar).</translation>
    </message>
    <message>
        <source>Market fee in percent of each charge (default 10).</source>
        <translation>Marktplatz-Provision in Prozent jeder Gebühr (Standard 10).</translation>
    </message>
    <message>
        <source>Seconds without a message after which a lender is offline (default 30).</source>
        <translation>Sekunden ohne Nachricht, nach denen ein Verleiher offline ist (Standard 30).</translation>
    </message>
    <message>
        <source>Attach the desktop app to a running market as admin.</source>
        <translation>Die Desktop-Anwendung als Administrator mit einem laufenden Marktplatz verbinden.</translation>
    </message>
    <message>
        <source>--image wants NAME=DIR, not &apos;%1&apos;</source>
        <translation>--image erwartet NAME=DIR, nicht &apos;%1&apos;</translation>
    </message>
    <message>
        <source>embedded, serving %1</source>
        <translation>eingebettet, erreichbar unter %1</translation>
    </message>
    <message>
        <source>the node ID of the market at %1 is not known here yet: give it with --market-id ID (the market prints it with --print-id)</source>
        <translation>die Knoten-ID des Marktplatzes unter %1 ist hier noch nicht bekannt: geben Sie sie mit --market-id ID an (der Marktplatz gibt sie mit --print-id aus)</translation>
    </message>
    <message>
        <source>Node ID of the market given with --connect (remembered after the first connection).</source>
        <translation>Knoten-ID des mit --connect angegebenen Marktplatzes (nach der ersten Verbindung gemerkt).</translation>
    </message>
    <message>
        <source>Market fee of the embedded market in percent of each charge (default 10).</source>
        <translation>Provision des eingebetteten Marktplatzes in Prozent jeder Gebühr (Standard 10).</translation>
    </message>
    <message>
        <source>Seconds without a message after which a lender of the embedded market is offline (default 30).</source>
        <translation>Sekunden ohne Nachricht, nach denen ein Verleiher des eingebetteten Marktplatzes offline ist (Standard 30).</translation>
    </message>
    <message>
        <source>The embedded market serves the OS image in DIR to lenders as NAME (repeatable).</source>
        <translation>Der eingebettete Marktplatz stellt Verleihern das OS-Image in DIR als NAME bereit (wiederholbar).</translation>
    </message>
    <message>
        <source>Headless only (handled by the launcher).</source>
        <translation>Nur ohne Fenster (übernimmt der Starter).</translation>
    </message>
    <message>
        <source>Write the period&apos;s invoices as CSV to PATH, then quit.</source>
        <translation>Die Rechnungen des Zeitraums als CSV nach PFAD schreiben, dann beenden.</translation>
    </message>
    <message>
        <source>Write the period&apos;s payouts as CSV to PATH, then quit.</source>
        <translation>Die Auszahlungen des Zeitraums als CSV nach PFAD schreiben, dann beenden.</translation>
    </message>
    <message>
        <source>--stats-file works with --headless only</source>
        <translation>--stats-file funktioniert nur mit --headless</translation>
    </message>
    <message>
        <source>--%1 sets up the embedded market; with --connect the market keeps its own settings</source>
        <translation>--%1 richtet den eingebetteten Marktplatz ein; mit --connect behält der Marktplatz seine eigenen Einstellungen</translation>
    </message>
    <message>
        <source>--period takes 7, 30 or 90 days, not &apos;%1&apos;</source>
        <translation>--period erwartet 7, 30 oder 90 Tage, nicht &apos;%1&apos;</translation>
    </message>
    <message>
        <source>Serve the OS image in DIR to lenders as NAME (repeatable).</source>
        <translation>Das OS-Image in DIR Verleihern als NAME bereitstellen (wiederholbar).</translation>
    </message>
    <message>
        <source>Desktop app: write the period&apos;s invoices as CSV to PATH, then quit.</source>
        <translation>Desktop-Anwendung: die Rechnungen des Zeitraums als CSV nach PFAD schreiben, dann beenden.</translation>
    </message>
    <message>
        <source>Desktop app: write the period&apos;s payouts as CSV to PATH, then quit.</source>
        <translation>Desktop-Anwendung: die Auszahlungen des Zeitraums als CSV nach PFAD schreiben, dann beenden.</translation>
    </message>
    <message>
        <source>Write the billing report of the period (--period, or --from and --to) as PDF to PATH, then quit.</source>
        <translation>Den Abrechnungsbericht des Zeitraums (--period, oder --from und --to) als PDF nach PFAD schreiben, dann beenden.</translation>
    </message>
    <message>
        <source>The billing period&apos;s first day (UTC), instead of --period.</source>
        <translation>Der erste Tag des Abrechnungszeitraums (UTC), statt --period.</translation>
    </message>
    <message>
        <source>The billing period&apos;s last day (UTC), included; with --from (default: today).</source>
        <translation>Der letzte Tag des Abrechnungszeitraums (UTC), einschließlich; mit --from (Standard: heute).</translation>
    </message>
    <message>
        <source>--to needs --from</source>
        <translation>--to braucht --from</translation>
    </message>
    <message>
        <source>--period and --from each choose the billing period: give one</source>
        <translation>--period und --from wählen jeweils den Abrechnungszeitraum: bitte nur eines angeben</translation>
    </message>
    <message>
        <source>--%1 takes a date as YYYY-MM-DD, not &apos;%2&apos;</source>
        <translation>--%1 erwartet ein Datum als JJJJ-MM-TT, nicht &apos;%2&apos;</translation>
    </message>
    <message>
        <source>Desktop app: write the billing report of the period (--period, or --from and --to) as PDF to PATH, then quit.</source>
        <translation>Desktop-Anwendung: den Abrechnungsbericht des Zeitraums (--period, oder --from und --to) als PDF nach PFAD schreiben, dann beenden.</translation>
    </message>
    <message>
        <source>Desktop app: the billing period&apos;s first day (UTC), instead of --period.</source>
        <translation>Desktop-Anwendung: der erste Tag des Abrechnungszeitraums (UTC), statt --period.</translation>
    </message>
    <message>
        <source>Desktop app: the billing period&apos;s last day (UTC), included; with --from (default: today).</source>
        <translation>Desktop-Anwendung: der letzte Tag des Abrechnungszeitraums (UTC), einschließlich; mit --from (Standard: heute).</translation>
    </message>
    <message>
        <source>The billing period in days, up to today: 7, 30 or 90 (exports: 7 by default; the window: the period chosen last).</source>
        <translation>Der Abrechnungszeitraum in Tagen bis heute: 7, 30 oder 90 (Exporte: standardmäßig 7; das Fenster: der zuletzt gewählte Zeitraum).</translation>
    </message>
    <message>
        <source>Desktop app: the billing period in days, up to today: 7, 30 or 90 (exports: 7 by default; the window: the period chosen last).</source>
        <translation>Desktop-Anwendung: der Abrechnungszeitraum in Tagen bis heute: 7, 30 oder 90 (Exporte: standardmäßig 7; das Fenster: der zuletzt gewählte Zeitraum).</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a heartbeat timeout in seconds from 15 to 86400 (lender agents send a heartbeat every 10 s)</source>
        <translation>„%1“ ist keine Heartbeat-Frist in Sekunden von 15 bis 86400 (Verleiher-Agenten senden alle 10 s einen Heartbeat)</translation>
    </message>
    <message>
        <source>--from %1 is after today (%2, UTC), the last day when --to is not given: give --to too, or an earlier --from</source>
        <translation>--from %1 liegt nach dem heutigen Tag (%2, UTC), dem letzten Tag, wenn --to fehlt: geben Sie auch --to an oder ein früheres --from</translation>
    </message>
    <message>
        <source>%1 was given %2 times (%3): give it once, with one file</source>
        <translation>%1 wurde %2-mal angegeben (%3): geben Sie es einmal an, mit einer Datei</translation>
    </message>
    <message>
        <source>%1 and %2 would both write %3: give each its own file</source>
        <translation>%1 und %2 würden beide %3 schreiben: geben Sie jedem eine eigene Datei</translation>
    </message>
    <message>
        <source>Headless: on SIGUSR1, write the server-side request timings (JSON) to this file (without it, to the log).</source>
        <translation>Headless: bei SIGUSR1 die serverseitigen Anfragezeiten (JSON) in diese Datei schreiben (ohne sie ins Protokoll).</translation>
    </message>
    <message>
        <source>The embedded market keeps the imported OS images in DIR (default: images in the data directory).</source>
        <translation>Der eingebettete Markt bewahrt die importierten Betriebssystem-Abbilder in DIR auf (Standard: images im Datenverzeichnis).</translation>
    </message>
    <message>
        <source>Keep the imported OS images in DIR (default: images in the data directory). Market processes on one PostgreSQL database give the same DIR on a shared file system, so that each can serve every image.</source>
        <translation>Die importierten Betriebssystem-Abbilder in DIR aufbewahren (Standard: images im Datenverzeichnis). Marktprozesse an einer PostgreSQL-Datenbank geben dasselbe DIR auf einem gemeinsamen Dateisystem an, damit jeder jedes Abbild ausliefern kann.</translation>
    </message>
    <message>
        <source>Seconds a connection to the embedded market may stay silent before it is closed, 30 to 86400, or 0 for never (default 300).</source>
        <translation>Sekunden, die eine Verbindung zum eingebetteten Marktplatz still bleiben darf, bevor sie geschlossen wird, 30 bis 86400, oder 0 für nie (Vorgabe 300).</translation>
    </message>
    <message>
        <source>Seconds a connection may stay silent before it is closed, 30 to 86400, or 0 for never (default 300; closed after up to twice this).</source>
        <translation>Sekunden, die eine Verbindung still bleiben darf, bevor sie geschlossen wird, 30 bis 86400, oder 0 für nie (Vorgabe 300; geschlossen nach höchstens dem Doppelten).</translation>
    </message>
</context>
</TS>
