<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>BorrowerCli</name>
    <message numerus="yes">
        <source>%1 excluded %n offer(s)</source>
        <translation>
            <numerusform>%1 excluded %n offer</numerusform>
            <numerusform>%1 excluded %n offers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n offer(s) match, fewer than the %1 skipped
</source>
        <translation>
            <numerusform>%n offer matches, fewer than the %1 skipped
</numerusform>
            <numerusform>%n offers match, fewer than the %1 skipped
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n borrow(s) not known yet; `recover` asks again</source>
        <translation>
            <numerusform>%n borrow not known yet; `recover` asks again</numerusform>
            <numerusform>%n borrows not known yet; `recover` asks again</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>lendable::borrower::BorrowerWindow</name>
    <message numerus="yes">
        <source>%1. Trying again in %n s; what you asked for is done once the market answers.</source>
        <translation>
            <numerusform>%1. Trying again in %n second; what you asked for is done once the market answers.</numerusform>
            <numerusform>%1. Trying again in %n seconds; what you asked for is done once the market answers.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>lendable::borrower::OffersPage</name>
    <message numerus="yes">
        <source>%1 excluded %n offer(s)</source>
        <translation>
            <numerusform>%1 excluded %n offer</numerusform>
            <numerusform>%1 excluded %n offers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n offer(s) match.</source>
        <translation>
            <numerusform>%n offer matches.</numerusform>
            <numerusform>%n offers match.</numerusform>
        </translation>
    </message>
</context>
</TS>
