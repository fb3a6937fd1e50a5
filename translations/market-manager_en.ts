<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
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
