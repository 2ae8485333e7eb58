// TEST-ONLY fault injection: makes one unit misbehave on purpose, so that tests can show the
// run's own checks fire (tb/sys/golden/fault_test.cc). Not a feature: no option, config key or
// output mentions it, and nothing but those tests should set it.
//
// The environment variable CSSIM_TEST_FAULT names the fault:
//   corrupt-output  the output collector (model/ppu/collector.cc) flips the lowest bit of the
//                   first output element it writes: the output check reports a mismatch.
//   drop-mac        the PE array (model/pe/pe_array.cc) neither performs nor counts the first
//                   MAC it would do: the MAC-count check reports the op one MAC short.
// Unset or empty means no fault; any other value is a SimError (a typo must not quietly test
// nothing). The variable is read once per process; units ask at construction and keep the
// answer in a member, so no lookup happens per cycle.
#pragma once

namespace cssim {

enum class TestFault { kNone, kCorruptOutput, kDropMac };

// The fault CSSIM_TEST_FAULT asks for (read on the first call, then cached).
TestFault ActiveTestFault();

}  // namespace cssim
