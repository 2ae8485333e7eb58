#include "model/base/arch_spec.h"

namespace cssim {

const char* DataflowName(Dataflow d) {
  switch (d) {
    case Dataflow::kOutputStationary:
      return "os";
    case Dataflow::kRowStationary:
      return "rs";
    case Dataflow::kInputStationary:
      return "is";
    case Dataflow::kWeightStationary:
      break;
  }
  return "ws";
}

const char* TopologyName(Topology t) {
  switch (t) {
    case Topology::kSystolic:
      return "systolic";
    case Topology::kMulticast:
      break;
  }
  return "multicast";
}

}  // namespace cssim
