// The chip file's keys, every one bound to ChipSpec (`source` is ChipSpec::datasheet).
// Hand-written part: dram.preset's binding fills all of ChipSpec::dram, whose channel count
// dram.channels then sets.
#include "model/config/keys.h"
#include "model/dram/presets.h"

namespace cssim {
namespace {

Field<ChipSpec, std::string> DramPresetField() {
  return {[](const ChipSpec& c) { return c.dram.preset; },
          [](ChipSpec& c, std::string name) {
            c.dram = DramPreset(name);
            c.dram.preset = std::move(name);
          }};
}

KeyTable<ChipSpec> Build() {
  using C = ChipSpec;
  KeyTable<C> t("chip");
  t.Text("name", Bind(&C::name), "chip name, used in reports")
      .Text("description", Bind(&C::description),
            "what the budget models and the modelling choices behind it")
      .Text("source", Bind(&C::datasheet), "the data sheets and tables the numbers come from")
      .Int("multipliers", "multipliers", 1, kIntMax, Bind(&C::multipliers),
           "int8 multipliers available to accelerator instances (e.g. one per DSP slice)")
      .Required()
      .Int("sram_kib", "KiB", 1, kIntMax, Bind(&C::sram_kib),
           "on-chip SRAM available to accelerator instances (GLBs, RFs, accumulators)")
      .Required()
      .Enum("dram.preset", DramPresetNames(), DramPresetField(), "DRAM device all instances share")
      .Required()
      .Int("dram.channels", "channels", 1, 64, Bind(&C::dram, &DramSpec::channels),
           "independent channels of the shared DRAM")
      .Required();
  return t;
}

}  // namespace

const KeyTable<ChipSpec>& ChipKeys() {
  static const KeyTable<ChipSpec> table = Build();
  return table;
}

}  // namespace cssim
