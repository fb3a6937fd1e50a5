<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>lendable::market::BillingPage</name>
    <message numerus="yes">
        <source>Total (%n borrower(s))</source>
        <translation>
            <numerusform>Total (%n borrower)</numerusform>
            <numerusform>Total (%n borrowers)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Total (%n lender(s))</source>
        <translation>
            <numerusform>Total (%n lender)</numerusform>
            <numerusform>Total (%n lenders)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>lendable::market::PartitionsPage</name>
    <message numerus="yes">
        <source>%n partition(s)</source>
        <translation>
            <numerusform>%n partition</numerusform>
            <numerusform>%n partitions</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>lendable::market::ServicePage</name>
    <message numerus="yes">
        <source>The market&apos;s own time per request, from the decoded request to the answer handed to the connection (borrows, ends and registrations: after their commit), over the last %n second(s).</source>
        <translation>
            <numerusform>The market&apos;s own time per request, from the decoded request to the answer handed to the connection (borrows, ends and registrations: after their commit), over the last %n second.</numerusform>
            <numerusform>The market&apos;s own time per request, from the decoded request to the answer handed to the connection (borrows, ends and registrations: after their commit), over the last %n seconds.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>machine: %n core(s), %1 % busy, %2 % stolen</source>
        <translation>
            <numerusform>machine: %n core, %1 % busy, %2 % stolen</numerusform>
            <numerusform>machine: %n cores, %1 % busy, %2 % stolen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Last %n minute(s)</source>
        <translation>
            <numerusform>Last %n minute</numerusform>
            <numerusform>Last %n minutes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>lendable::market::ViolationsPage</name>
    <message numerus="yes">
        <source>%n violation(s) reported</source>
        <translation>
            <numerusform>%n violation reported</numerusform>
            <numerusform>%n violations reported</numerusform>
        </translation>
    </message>
</context>
</TS>
