<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>lendable::lender::DirectLeaseDialog</name>
    <message numerus="yes">
        <source>A node ID has 64 hex digits (this has %n characters).</source>
        <translation>
            <numerusform>A node ID has 64 hex digits (this has %n character).</numerusform>
            <numerusform>A node ID has 64 hex digits (this has %n characters).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>lendable::lender::LenderWindow</name>
    <message numerus="yes">
        <source>Lendable: %n partition(s) lent, %1 offered</source>
        <translation>
            <numerusform>Lendable: %n partition lent, %1 offered</numerusform>
            <numerusform>Lendable: %n partitions lent, %1 offered</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>lendable::lender::MachineTab</name>
    <message numerus="yes">
        <source>%n vCPU(s)</source>
        <translation>
            <numerusform>%n vCPU</numerusform>
            <numerusform>%n vCPUs</numerusform>
        </translation>
    </message>
</context>
</TS>
