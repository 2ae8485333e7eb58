// Offset generator of sparse_accum (the model's Decode), combinational: an active-list record to
// the descriptor of its rows. The input (c, y, x) meets kernel offset (ky, kx) at output pixel
// ((y + pad - ky) / stride, (x + pad - kx) / stride) when the division is exact and the pixel in
// range; along each axis the valid offsets are an arithmetic series `stride` apart, so the rows
// are an nky x nkx grid, ascending (ky, kx) as the model lists them.
module ss_offset_gen
  import ss_pkg::*;
(
  input  ss_pkg::conv_t    conv_i,
  input  logic [23:0]      rec_i,    // index (16 bits), value
  output ss_pkg::in_desc_t desc_o,
  output logic [31:0]      rows_o,   // valid offsets: nky * nkx
  output logic             in_map_o  // the index lies in the map (the model's range check)
);

  // The valid offsets along one axis for input coordinate `p`: first one, count, and the output
  // coordinate of the first.
  typedef struct packed {
    logic [31:0] first;
    logic [31:0] count;
    logic [31:0] out;
  } axis_t;

  function automatic axis_t axis(int p, int pad, int k, int s, int o);
    axis_t r;
    int pp, lo, hi, first;
    pp = p + pad;
    lo = pp - o * s + 1;  // offset of the last output coordinate
    if (lo < 0) lo = 0;
    hi = k - 1 < pp ? k - 1 : pp;
    first = lo + (pp - lo) % s;
    r.first = first;
    r.count = o > 0 && first <= hi ? 32'((hi - first) / s + 1) : '0;
    r.out = 32'((pp - first) / s);
    return r;
  endfunction

  always_comb begin
    logic [31:0] index, ch, q, x, y, k;
    axis_t ay, ax;
    index = {16'b0, rec_i[15:0]};
    ch = index % conv_i.c;
    q = index / conv_i.c;
    x = q % conv_i.w;
    y = q / conv_i.w;
    in_map_o = y < conv_i.h;
    ay = axis(int'(y), int'(conv_i.pad), int'(conv_i.kh), int'(conv_i.stride), int'(conv_i.ho));
    ax = axis(int'(x), int'(conv_i.pad), int'(conv_i.kw), int'(conv_i.stride), int'(conv_i.wo));
    k = conv_i.channel_major ? (ch * conv_i.kh + ay.first) * conv_i.kw + ax.first
                            : (ay.first * conv_i.kw + ax.first) * conv_i.c + ch;
    desc_o.value = rec_i[23:16];
    desc_o.nky = ay.count;
    desc_o.nkx = ax.count;
    desc_o.lo = conv_i.w_base + k * conv_i.groups;
    desc_o.pix = ay.out * conv_i.wo + ax.out;
    rows_o = ay.count * ax.count;
  end

endmodule
