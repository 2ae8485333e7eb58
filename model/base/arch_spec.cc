#include "model/base/arch_spec.h"

namespace cssim {

const char* DataflowName(Dataflow d) {
  switch (d) {
    case Dataflow::kOutputStationary:
      return "os";
    case Dataflow::kRowStationary:
      return "rs";
    case Dataflow::kWeightStationary:
      break;
  }
  return "ws";
}

}  // namespace cssim
