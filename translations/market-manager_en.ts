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
    <name>lendable::market::ContractsPage</name>
    <message numerus="yes">
        <source>%Ln running contract(s)</source>
        <translation>
            <numerusform>%Ln running contract</numerusform>
            <numerusform>%Ln running contracts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln contract(s)</source>
        <translation>
            <numerusform>%Ln contract</numerusform>
            <numerusform>%Ln contracts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>lendable::market::PartitionsPage</name>
    <message numerus="yes">
        <source>%Ln partition(s)</source>
        <translation>
            <numerusform>%Ln partition</numerusform>
            <numerusform>%Ln partitions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Partition %1 now has %n vCPU(s), %2 memory and %3 disk; its lender applies that the next time it generates the partition.</source>
        <translation>
            <numerusform>Partition %1 now has %n vCPU, %2 memory and %3 disk; its lender applies that the next time it generates the partition.</numerusform>
            <numerusform>Partition %1 now has %n vCPUs, %2 memory and %3 disk; its lender applies that the next time it generates the partition.</numerusform>
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
        <source>%Ln violation(s) reported</source>
        <translation>
            <numerusform>%Ln violation reported</numerusform>
            <numerusform>%Ln violations reported</numerusform>
        </translation>
    </message>
</context>
</TS>
