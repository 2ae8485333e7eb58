// The energy file's keys. The top-level keys are bound to EnergyTable and the keys of one
// entry to EnergyEntry. Hand-written parts (in config.cc): the `components` map, whose
// component and action names are free (so each entry's path is built as it is read), and the
// rule that size_exponent needs a ref_size_bytes.
#include <limits>

#include "model/config/keys.h"

namespace cssim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

KeyTable<EnergyTable> Build() {
  using T = EnergyTable;
  KeyTable<T> t("energy");
  t.Text("name", Bind(&T::name), "energy table name, used in reports")
      .Enum("unit", {"pJ", "MAC-normalised"}, Bind(&T::unit),
            "unit of every energy value; MAC-normalised: one MAC = 1")
      .Required()
      .Text("description", Bind(&T::description),
            "what the table models and where its numbers come from")
      .Unbound(ContainerDef("energy", "components", "map",
                            "component -> action -> entry; component and action names are those "
                            "the model's counters use (mac, rf, noc, glb, dram, ppu)"));
  return t;
}

KeyTable<EnergyEntry> BuildEntry() {
  using E = EnergyEntry;
  const std::string entry = "components.<component>.<action>.";
  KeyTable<E> t("energy");
  t.Float(entry + "energy", "table unit", 0, kInf, Bind(&E::energy), "energy of one action")
      .Required()
      .Float(entry + "per_bits", "bits", 0, kInf, Bind(&E::per_bits),
             "energy is for an access this wide; scaled by the access width / per_bits; 0: per "
             "action, whatever the width")
      .Float(entry + "ref_size_bytes", "bytes", 0, kInf, Bind(&E::ref_size_bytes),
             "capacity the energy was given for (with size_exponent)")
      .Float(entry + "size_exponent", "-", -2, 2, Bind(&E::size_exponent),
             "energy scales by (size / ref_size_bytes)^size_exponent; 0: no size scaling")
      .Text(entry + "source", Bind(&E::source),
            "where the number comes from (paper, table, or assumption)");
  return t;
}

}  // namespace

const KeyTable<EnergyTable>& EnergyKeys() {
  static const KeyTable<EnergyTable> table = Build();
  return table;
}

const KeyTable<EnergyEntry>& EnergyEntryKeys() {
  static const KeyTable<EnergyEntry> table = BuildEntry();
  return table;
}

}  // namespace cssim
