// The workload file's keys. The top-level keys are bound to Workload. Hand-written parts (in
// config.cc): the `layers` list and every layers[] key below, read by ReadLayer and written by
// the layer writer of ToYaml, because which keys a layer takes, their defaults (stride: 1 for
// conv, the window size for maxpool) and how they are written (kernel or kernel_h/kernel_w,
// weight_density only when sparse) depend on the layer's type and on its input.
#include "model/config/keys.h"

namespace cssim {
namespace {

KeyTable<Workload> Build() {
  using W = Workload;
  KeyTable<W> t("workload");
  t.Text("name", Bind(&W::name), "workload name, used in reports")
      .Int("seed", "-", 0, kInt64Max, Bind(&W::seed),
           "seed of the synthetic weights and input data")
      .Int("input.channels", "channels", 1, kIntMax, Bind(&W::input, &Shape::c),
           "input feature map channels")
      .Required()
      .Int("input.height", "pixels", 1, kIntMax, Bind(&W::input, &Shape::h),
           "input feature map height")
      .Required()
      .Int("input.width", "pixels", 1, kIntMax, Bind(&W::input, &Shape::w),
           "input feature map width")
      .Required()
      .Unbound(ContainerDef("workload", "layers", "list",
                            "layers in execution order; each item is a map of the layers[] keys"));
  return t;
}

std::vector<ParamDef> BuildLayerKeys() {
  const std::string w = "workload";
  return {
      TextDef(w, "layers[].name", "layer name, unique in the workload"),
      EnumDef(w, "layers[].type", "", {"conv", "linear", "maxpool", "relu", "requant", "kwta"},
              "conv and linear take int8 and produce int32; requant takes int32 and produces "
              "int8; relu and maxpool keep the type; kwta takes int8"),
      ForTypes(IntDef(w, "layers[].out_channels", "channels", "", 1, kIntMax, "output channels"),
               "conv"),
      ForTypes(IntDef(w, "layers[].out_features", "features", "", 1, kIntMax,
                      "output features; each sees the whole flattened input"),
               "linear"),
      ForTypes(IntDef(w, "layers[].kernel", "pixels", "kernel_h, kernel_w", 1, kIntMax,
                      "square kernel size"),
               "conv"),
      ForTypes(IntDef(w, "layers[].kernel_h", "pixels", "kernel", 1, kIntMax,
                      "kernel height (with kernel_w, instead of kernel)"),
               "conv"),
      ForTypes(IntDef(w, "layers[].kernel_w", "pixels", "kernel", 1, kIntMax,
                      "kernel width (with kernel_h, instead of kernel)"),
               "conv"),
      ForTypes(IntDef(w, "layers[].stride", "pixels", "1 (conv), size (maxpool)", 1, kIntMax,
                      "window step"),
               "conv maxpool"),
      ForTypes(IntDef(w, "layers[].pad", "pixels", "0", 0, kIntMax,
                      "zero padding on every side; less than the kernel"),
               "conv"),
      ForTypes(
          IntDef(w, "layers[].size", "pixels", "", 1, kIntMax, "pooling window is size x size"),
          "maxpool"),
      ForTypes(FloatDef(w, "layers[].weight_density", "fraction", "1", 1e-9, 1,
                        "non-zero fraction of every kernel; < 1 generates complementary masks "
                        "(each group of floor(1 / density) output channels partitions the "
                        "fan-in)"),
               "conv linear"),
      ForTypes(FloatDef(w, "layers[].density", "fraction", "", 1e-9, 1,
                        "k-WTA keeps k = round(density * c * h * w) values of the whole map"),
               "kwta"),
      ForTypes(IntDef(w, "layers[].shift", "bits", "", 0, 31,
                      "out = clamp((in + 2^(shift-1)) >> shift, -128, 127); 0 only clamps"),
               "requant"),
  };
}

}  // namespace

const KeyTable<Workload>& WorkloadKeys() {
  static const KeyTable<Workload> table = Build();
  return table;
}

const std::vector<ParamDef>& LayerKeys() {
  static const std::vector<ParamDef> keys = BuildLayerKeys();
  return keys;
}

}  // namespace cssim
