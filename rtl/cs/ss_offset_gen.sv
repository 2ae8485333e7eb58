// Offset generator of sparse_accum (the model's Decode), combinational: an active-list record to
// the descriptor of its rows. The input (c, y, x) meets kernel offset (ky, kx) at output pixel
// ((y + pad - ky) / stride, (x + pad - kx) / stride) when the division is exact and the pixel in
// range; along each axis the valid offsets are an arithmetic series `stride` apart, so the rows
// are an nky x nkx grid, ascending (ky, kx) as the model lists them.
module ss_offset_gen (
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

  // Built by concatenation: yosys 0.23 reads no struct local in a function.
  function automatic axis_t axis(int p, int pad, int k, int s, int o);
    int pp, lo, hi, first;
    logic [31:0] count, out;
    pp = p + pad;
    lo = pp - o * s + 1;  // offset of the last output coordinate
    if (lo < 0) lo = 0;
    hi = k - 1 < pp ? k - 1 : pp;
    first = lo + (pp - lo) % s;
    count = o > 0 && first <= hi ? 32'((hi - first) / s + 1) : '0;
    out = 32'((pp - first) / s);
    axis = {32'(first), count, out};
  endfunction

  // Module variables: yosys 0.23 reads no struct declared in a procedural block.
  axis_t ay, ax;

  always_comb begin
    logic [31:0] index, ch, q, x, y, k;
    index = {16'b0, rec_i[15:0]};
    ch = index % conv_i.c;
    q = index / conv_i.c;
    x = q % conv_i.w;
    y = q / conv_i.w;
    in_map_o = y < conv_i.h;
    // The 32-bit fields pass as int (their bits, signed), as casts to int would: yosys 0.23
    // reads no cast to a type.
    ay = axis($signed(y), $signed(conv_i.pad), $signed(conv_i.kh), $signed(conv_i.stride),
              $signed(conv_i.ho));
    ax = axis($signed(x), $signed(conv_i.pad), $signed(conv_i.kw), $signed(conv_i.stride),
              $signed(conv_i.wo));
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
