// The workload file's keys: the top-level ones bound to Workload, the keys of one layers[] item
// to Layer. Hand-written parts (in config.cc): the `layers` list, and the layers[] keys added
// with Unbound() below, read by ReadLayer and written by the layer writer of ToYaml, because
// their defaults (stride: 1 for conv, the window size for maxpool), their members (kernel or
// kernel_h/kernel_w, out_features into out_channels), the checks between them and how they
// are written (weight_density only when sparse) depend on the layer's type and input. The bound
// layers[] keys are read after a type's hand-written ones and written after them, for the
// types For() names. To add a layer key: a Layer member and one bound row with For().
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

KeyTable<Layer> BuildLayerKeys() {
  const std::string w = "workload";
  KeyTable<Layer> t(w);
  t.Unbound(TextDef(w, "layers[].name", "layer name, unique in the workload"))
      .Unbound(EnumDef(w, "layers[].type", "",
                       {"conv", "linear", "maxpool", "avgpool", "relu", "requant", "kwta", "add"},
                       "conv and linear take int8 and produce int32; requant takes int32 and "
                       "produces int8; relu, maxpool and avgpool (the window's mean, rounded "
                       "half up) keep the type; kwta takes int8; add (its input plus the output "
                       "of the layer named by with, saturated) keeps the type"))
      .Unbound(TextDef(w, "layers[].from",
                       "read the output of this earlier layer instead of the previous "
                       "layer's (a branch, such as a residual shortcut)"))
      .Unbound(ForTypes(TextDef(w, "layers[].with",
                                "the earlier layer whose output is added to the input (same "
                                "shape and type)"),
                        "add"))
      .Unbound(ContainerDef(w, "layers[].input", "map",
                            "the layer's own input, generated from the seed like the network "
                            "input, instead of the previous layer's output (independent "
                            "layers, as in a SCALE-Sim topology); int8"))
      .Unbound(
          IntDef(w, "layers[].input.channels", "channels", "", 1, kIntMax, "own input channels"))
      .Unbound(IntDef(w, "layers[].input.height", "pixels", "", 1, kIntMax, "own input height"))
      .Unbound(IntDef(w, "layers[].input.width", "pixels", "", 1, kIntMax, "own input width"))
      .Unbound(ForTypes(
          IntDef(w, "layers[].out_channels", "channels", "", 1, kIntMax, "output channels"),
          "conv"))
      .Unbound(ForTypes(IntDef(w, "layers[].out_features", "features", "", 1, kIntMax,
                               "output features; each sees the whole flattened input"),
                        "linear"))
      .Unbound(ForTypes(IntDef(w, "layers[].kernel", "pixels", "kernel_h, kernel_w", 1, kIntMax,
                               "square kernel size"),
                        "conv"))
      .Unbound(ForTypes(IntDef(w, "layers[].kernel_h", "pixels", "kernel", 1, kIntMax,
                               "kernel height (with kernel_w, instead of kernel)"),
                        "conv"))
      .Unbound(ForTypes(IntDef(w, "layers[].kernel_w", "pixels", "kernel", 1, kIntMax,
                               "kernel width (with kernel_h, instead of kernel)"),
                        "conv"))
      .Unbound(ForTypes(IntDef(w, "layers[].stride", "pixels", "1 (conv), size (pools)", 1, kIntMax,
                               "window step"),
                        "conv maxpool avgpool"))
      .Unbound(ForTypes(IntDef(w, "layers[].pad", "pixels", "0", 0, kIntMax,
                               "zero padding on every side; less than the kernel"),
                        "conv"))
      .Unbound(ForTypes(
          IntDef(w, "layers[].size", "pixels", "", 1, kIntMax, "pooling window is size x size"),
          "maxpool avgpool"))
      .Unbound(ForTypes(
          FloatDef(w, "layers[].weight_density", "fraction", "1", 1e-9, 1,
                   "non-zero fraction of every kernel; < 1 generates complementary masks (each "
                   "group of floor(1 / density) output channels partitions the fan-in)"),
          "conv linear"))
      .Float("layers[].density", "fraction", 1e-9, 1, Bind(&Layer::density),
             "k-WTA keeps k = round(density * c * h * w) values of the whole map")
      .Required()
      .For("kwta")
      .Int("layers[].shift", "bits", 0, 31, Bind(&Layer::shift),
           "out = clamp((in + 2^(shift-1)) >> shift, -128, 127); 0 only clamps")
      .Required()
      .For("requant");
  return t;
}

}  // namespace

const KeyTable<Workload>& WorkloadKeys() {
  static const KeyTable<Workload> table = Build();
  return table;
}

const KeyTable<Layer>& LayerKeys() {
  static const KeyTable<Layer> table = BuildLayerKeys();
  return table;
}

}  // namespace cssim
