#include "model/ref/ref.h"

#include <algorithm>
#include <limits>
#include <string>

#include "model/base/error.h"
#include "model/ref/data.h"

namespace cssim {
namespace {

std::string ShapeText(const Shape& s) {
  return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

[[noreturn]] void Fail(const Layer& l, const std::string& what) {
  throw SimError("reference, layer '" + l.name + "' (" + LayerKindName(l.kind) + "): " + what);
}

// The output shape this reference computes for l.in; l.out must agree with it.
Shape ExpectedOut(const Layer& l) {
  switch (l.kind) {
    case LayerKind::kConv:
      return {l.out_channels, (l.in.h + 2 * l.pad - l.kernel_h) / l.stride + 1,
              (l.in.w + 2 * l.pad - l.kernel_w) / l.stride + 1};
    case LayerKind::kLinear:
      return {l.out_channels, 1, 1};
    case LayerKind::kMaxPool:
    case LayerKind::kAvgPool:
      return {l.in.c, (l.in.h - l.pool_size) / l.pool_stride + 1,
              (l.in.w - l.pool_size) / l.pool_stride + 1};
    default:
      return l.in;
  }
}

int32_t CheckedSum(const Layer& l, int64_t sum) {
  if (sum < std::numeric_limits<int32_t>::min() || sum > std::numeric_limits<int32_t>::max()) {
    Fail(l, "sum " + std::to_string(sum) + " overflows the int32 accumulator");
  }
  return int32_t(sum);
}

std::vector<int32_t> Conv(const Layer& l, const std::vector<int32_t>& in,
                          const std::vector<int8_t>& w) {
  const Shape& is = l.in;
  const Shape& os = l.out;
  std::vector<int32_t> out(size_t(os.size()));
  for (int n = 0; n < os.c; ++n) {
    for (int oy = 0; oy < os.h; ++oy) {
      for (int ox = 0; ox < os.w; ++ox) {
        int64_t sum = 0;
        for (int c = 0; c < is.c; ++c) {
          for (int ky = 0; ky < l.kernel_h; ++ky) {
            for (int kx = 0; kx < l.kernel_w; ++kx) {
              const int y = oy * l.stride + ky - l.pad;
              const int x = ox * l.stride + kx - l.pad;
              if (y < 0 || y >= is.h || x < 0 || x >= is.w) continue;  // zero padding
              const int64_t wi = ((int64_t(n) * is.c + c) * l.kernel_h + ky) * l.kernel_w + kx;
              sum += int64_t(in[size_t((int64_t(c) * is.h + y) * is.w + x)]) * w[size_t(wi)];
            }
          }
        }
        out[size_t((int64_t(n) * os.h + oy) * os.w + ox)] = CheckedSum(l, sum);
      }
    }
  }
  return out;
}

std::vector<int32_t> Linear(const Layer& l, const std::vector<int32_t>& in,
                            const std::vector<int8_t>& w) {
  const int64_t fan_in = l.in.size();
  std::vector<int32_t> out(size_t(l.out_channels));
  for (int n = 0; n < l.out_channels; ++n) {
    int64_t sum = 0;
    for (int64_t i = 0; i < fan_in; ++i) sum += int64_t(in[size_t(i)]) * w[size_t(n * fan_in + i)];
    out[size_t(n)] = CheckedSum(l, sum);
  }
  return out;
}

// Every output pixel of a pooling layer from its window's values (CHW): reduce(values).
template <class Reduce>
std::vector<int32_t> Pool(const Layer& l, const std::vector<int32_t>& in, Reduce reduce) {
  const Shape& is = l.in;
  const Shape& os = l.out;
  std::vector<int32_t> out(size_t(os.size()));
  std::vector<int32_t> window;
  for (int c = 0; c < os.c; ++c) {
    for (int oy = 0; oy < os.h; ++oy) {
      for (int ox = 0; ox < os.w; ++ox) {
        window.clear();
        for (int dy = 0; dy < l.pool_size; ++dy) {
          for (int dx = 0; dx < l.pool_size; ++dx) {
            const int y = oy * l.pool_stride + dy;
            const int x = ox * l.pool_stride + dx;
            window.push_back(in[size_t((int64_t(c) * is.h + y) * is.w + x)]);
          }
        }
        out[size_t((int64_t(c) * os.h + oy) * os.w + ox)] = reduce(window);
      }
    }
  }
  return out;
}

std::vector<int32_t> MaxPool(const Layer& l, const std::vector<int32_t>& in) {
  return Pool(l, in,
              [](const std::vector<int32_t>& v) { return *std::max_element(v.begin(), v.end()); });
}

// The mean sum / n rounded half up: q = floor(sum / n) and remainder 0 <= r < n (C++ division
// truncates towards zero, so a negative remainder moves q down by one); q + 1 when r / n >= 1/2.
// The mean of int32 values is an int32.
std::vector<int32_t> AvgPool(const Layer& l, const std::vector<int32_t>& in) {
  return Pool(l, in, [](const std::vector<int32_t>& v) {
    const int64_t n = int64_t(v.size());
    int64_t sum = 0;
    for (int32_t x : v) sum += x;
    int64_t q = sum / n, r = sum % n;
    if (r < 0) {
      q -= 1;
      r += n;
    }
    if (2 * r >= n) q += 1;
    return int32_t(q);
  });
}

}  // namespace

int32_t Requantize(int32_t x, int shift) {
  // x / d with d = 2^shift as q + r / d, q = floor(x / d), 0 <= r < d (C++ division truncates
  // towards zero, so a negative remainder moves q down by one). Half up: q + 1 when r / d >= 1/2.
  // d <= 2^62 and r < d, so 2 * r cannot overflow.
  const int64_t d = int64_t{1} << shift;
  int64_t q = int64_t(x) / d, r = int64_t(x) % d;
  if (r < 0) {
    q -= 1;
    r += d;
  }
  if (2 * r >= d) q += 1;
  return int32_t(std::clamp<int64_t>(q, -128, 127));
}

std::vector<int64_t> KwtaWinners(const Shape& s, const std::vector<int32_t>& chw, int64_t k) {
  // Rank in HWC order, the hardware's index space: value descending, then index ascending.
  const int64_t n = s.size();
  std::vector<int32_t> hwc(size_t(n), 0);
  for (int c = 0; c < s.c; ++c)
    for (int y = 0; y < s.h; ++y)
      for (int x = 0; x < s.w; ++x)
        hwc[(size_t(y) * s.w + x) * s.c + c] = chw[(size_t(c) * s.h + y) * s.w + x];
  std::vector<int64_t> order(size_t(n), 0);
  for (int64_t i = 0; i < n; ++i) order[size_t(i)] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return hwc[size_t(a)] > hwc[size_t(b)]; });
  order.resize(size_t(std::clamp<int64_t>(k, 0, n)));
  std::sort(order.begin(), order.end());
  return order;
}

std::vector<int32_t> KwtaRef(const Shape& s, const std::vector<int32_t>& chw, int64_t k) {
  std::vector<int32_t> out(chw.size(), 0);
  for (int64_t h : KwtaWinners(s, chw, k)) {
    const size_t i = size_t(s.Chw(s.FromHwc(h)));
    out[i] = chw[i];
  }
  return out;
}

std::vector<int32_t> RefLayer(const Layer& l, const std::vector<int32_t>& in,
                              const std::vector<int8_t>& weights) {
  if (int64_t(in.size()) != l.in.size()) {
    Fail(l, "input has " + std::to_string(in.size()) + " values, shape " + ShapeText(l.in) +
                " needs " + std::to_string(l.in.size()));
  }
  if (int64_t(weights.size()) != l.weight_count()) {
    Fail(l, "got " + std::to_string(weights.size()) + " weights, layer needs " +
                std::to_string(l.weight_count()));
  }
  if (l.stride < 1 || l.pool_stride < 1 || l.pool_size < 1 || l.kernel_h < 1 || l.kernel_w < 1) {
    Fail(l, "stride, pool size and kernel must be positive");
  }
  if (l.kind == LayerKind::kRequant && (l.shift < 0 || l.shift > 62)) {
    Fail(l, "shift " + std::to_string(l.shift) + " outside 0..62");
  }
  const bool window_fits =
      l.kind == LayerKind::kConv
          ? l.in.h + 2 * l.pad >= l.kernel_h && l.in.w + 2 * l.pad >= l.kernel_w
          : !l.pools() || (l.in.h >= l.pool_size && l.in.w >= l.pool_size);
  if (!window_fits) Fail(l, "window larger than the input " + ShapeText(l.in));
  const Shape expected = ExpectedOut(l);
  if (!(l.out == expected)) {
    Fail(l, "output shape " + ShapeText(l.out) + " but the layer computes " + ShapeText(expected));
  }

  std::vector<int32_t> out;
  switch (l.kind) {
    case LayerKind::kConv:
    case LayerKind::kLinear:
      for (int32_t v : in) {
        if (v < -128 || v > 127) Fail(l, "input value " + std::to_string(v) + " is not int8");
      }
      out = l.kind == LayerKind::kConv ? Conv(l, in, weights) : Linear(l, in, weights);
      break;
    case LayerKind::kMaxPool:
      out = MaxPool(l, in);
      break;
    case LayerKind::kAvgPool:
      out = AvgPool(l, in);
      break;
    case LayerKind::kRelu:
      out = in;
      for (int32_t& v : out) v = std::max(v, 0);
      break;
    case LayerKind::kRequant:
      out = in;
      for (int32_t& v : out) v = Requantize(v, l.shift);
      break;
    case LayerKind::kKwta:
      out = KwtaRef(l.in, in, l.kwta_k());
      break;
    case LayerKind::kAdd:
      Fail(l, "an add has two operands (RefAdd)");
  }
  return out;
}

std::vector<int32_t> RefAdd(const Layer& l, const std::vector<int32_t>& in,
                            const std::vector<int32_t>& other) {
  if (l.kind != LayerKind::kAdd) Fail(l, "RefAdd on a layer that is not an add");
  if (int64_t(in.size()) != l.in.size() || other.size() != in.size())
    Fail(l, "operands of " + std::to_string(in.size()) + " and " + std::to_string(other.size()) +
                " values for a " + ShapeText(l.in) + " input");
  const bool int8 = l.in_type == ElemType::kInt8;
  const int64_t lo = int8 ? -128 : std::numeric_limits<int32_t>::min();
  const int64_t hi = int8 ? 127 : std::numeric_limits<int32_t>::max();
  std::vector<int32_t> out(in.size());
  for (size_t i = 0; i < in.size(); ++i)
    out[i] = int32_t(std::clamp<int64_t>(int64_t(in[i]) + other[i], lo, hi));
  return out;
}

std::vector<std::vector<int32_t>> RefNetwork(const Workload& w) {
  const std::vector<int8_t> input = GenerateInput(w);
  std::vector<int32_t> x(input.begin(), input.end());
  std::vector<std::vector<int32_t>> outputs;
  outputs.reserve(w.layers.size());
  for (size_t i = 0; i < w.layers.size(); ++i) {
    const Layer& l = w.layers[i];
    if (l.own_input) {
      const std::vector<int8_t> own = GenerateLayerInput(w, i);
      x.assign(own.begin(), own.end());
    } else if (l.from >= 0) {
      x = outputs[size_t(l.from)];
    }
    outputs.push_back(l.kind == LayerKind::kAdd ? RefAdd(l, x, outputs[size_t(l.with)])
                                                : RefLayer(l, x, GenerateWeights(w, i)));
    x = outputs.back();
  }
  return outputs;
}

}  // namespace cssim
