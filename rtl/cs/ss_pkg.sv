// Types and functions of the sparse-sparse accumulate unit (sparse_accum, model/cs/sparse_accum.h).
//
// The model keeps every admitted weight row as an object with its own byte copies. The RTL keeps
// the rows implicit: an active input is one descriptor (its first row's value address and output
// pixel, and how many kernel offsets it has along y and x), and two walkers, row fetch and MAC,
// step through its rows in the same order, each deriving a row's GLB words from its address. The
// row words come back in issue order and are stored by their position in that order (the row
// read's sequence number), so a row is complete exactly when the responses counted so far reach
// its last read, and its bytes are found from the position of its first word.
package ss_pkg;

  // GLB request data types (model/base/stats.h DataType).
  typedef enum logic [2:0] {
    DtNone     = 3'd0,
    DtWeight   = 3'd1,
    DtInput    = 3'd2,
    DtPsum     = 3'd3,
    DtOutput   = 3'd4,
    DtKernelId = 3'd5,
    DtActList  = 3'd6
  } data_type_e;

  // One SsCmd (model/compile/program.h); the model's int fields as 32 bits.
  typedef struct packed {
    logic [31:0] list_base;
    logic [31:0] actives;
    logic [31:0] c;
    logic [31:0] h;
    logic [31:0] w;
    logic [31:0] kh;
    logic [31:0] kw;
    logic [31:0] stride;
    logic [31:0] pad;
    logic [31:0] ho;
    logic [31:0] wo;
    logic [31:0] w_base;
    logic [31:0] id_base;
    logic        channel_major;
    logic [31:0] groups;
    logic [31:0] n;
    logic [31:0] channels;
    logic [31:0] out_base;
    logic        requant;
    logic [31:0] shift;
    logic        relu;
    logic [31:0] out_elem_bytes;
  } cmd_t;

  // What the offset generator needs of the command.
  typedef struct packed {
    logic [31:0] c;
    logic [31:0] h;
    logic [31:0] w;
    logic [31:0] kh;
    logic [31:0] kw;
    logic [31:0] stride;
    logic [31:0] pad;
    logic [31:0] ho;
    logic [31:0] wo;
    logic [31:0] w_base;
    logic        channel_major;
    logic [31:0] groups;
  } conv_t;

  // An active input with at least one valid kernel offset: offsets (ky, kx) form an nky x nkx
  // grid, `stride` apart, ascending; row 0 is the first offset.
  typedef struct packed {
    logic [7:0]  value;  // the activation (int8)
    logic [31:0] nky;
    logic [31:0] nkx;
    logic [31:0] lo;     // GLB address of row 0's first value byte (w_base + k * groups)
    logic [31:0] pix;    // output pixel row 0 accumulates into
  } in_desc_t;

  // Per-command constants of the row walk: what a row's words depend on, and the steps between
  // rows.
  typedef struct packed {
    logic [31:0] groups;    // bytes per row (of values, and of IDs)
    logic [31:0] id_delta;  // id_base - w_base
    logic        ids;       // n > 1: rows have kernel IDs to fetch
  } row_geom_t;

  typedef struct packed {
    logic [31:0] x;   // value address step to the next kx offset
    logic [31:0] y;   // value address step to the next ky offset (from the line's start)
    logic [31:0] wo;  // pixel step to the next ky offset
  } step_geom_t;

  typedef struct packed {
    row_geom_t  row;
    step_geom_t step;
  } walk_geom_t;

  // Where the row words stand before a row: read positions are counted from the command's
  // first row read.
  typedef struct packed {
    logic [31:0] reads;    // row reads of the rows before
    logic [31:0] v_word;   // word index of the previous row's last value word
    logic [31:0] id_word;  // ... of its last ID word
    logic [31:0] v_pos;    // read position of that value word
    logic [31:0] id_pos;   // ... of that ID word
  } reads_t;

  // A walker's position: a row of an input, and everything its GLB words depend on.
  typedef struct packed {
    logic        fresh;    // at row 0 of input in_ptr, descriptor not loaded yet
    logic [31:0] in_ptr;   // inputs of the command before this one
    logic [31:0] row_seq;  // rows of the command before this one
    logic [7:0]  value;
    logic [31:0] nky;
    logic [31:0] nkx;
    logic [31:0] iy;
    logic [31:0] ix;
    logic [31:0] lo;       // this row's value address
    logic [31:0] lo_rs;    // value address of the row at ix = 0
    logic [31:0] pix;
    logic [31:0] pix_rs;
    reads_t      rd;
    logic [31:0] j;        // row fetch: own reads issued; MAC: next group
  } walk_t;

  localparam walk_t WalkInit = '{fresh: 1'b1, default: '0};

  // The GLB words of a row. A row's first word of a kind is not read again when the previous row
  // of the same input ended in it (the model's row-fetch register, LastRead).
  typedef struct packed {
    logic [31:0] v_word0;  // word index of the first value word
    logic [31:0] i_word0;
    logic        sh_v;     // first value word shared with the previous row
    logic        sh_i;
    logic [31:0] own_v;    // value reads of its own
    logic [31:0] own_i;    // ID reads of its own (0 without IDs)
    logic [31:0] through;  // row reads up to and including its own: complete when responded
    logic [31:0] vpos0;    // read position of value word 0
    logic [31:0] vpos1;    // ... of value word 1 (words 2.. follow it)
    logic [31:0] ipos0;
    logic [31:0] ipos1;
    reads_t      next;     // the row reads after this row
  } row_info_t;

  function automatic walk_t walk_load(walk_t w, in_desc_t d);
    walk_t r = w;
    r.fresh = 1'b0;
    r.value = d.value;
    r.nky = d.nky;
    r.nkx = d.nkx;
    r.iy = '0;
    r.ix = '0;
    r.lo = d.lo;
    r.lo_rs = d.lo;
    r.pix = d.pix;
    r.pix_rs = d.pix;
    r.j = '0;
    return r;
  endfunction

  // The row at value address `lo`, the first of its input or not.
  function automatic row_info_t row_info(logic first, logic [31:0] lo, reads_t rd, row_geom_t g,
                                         int unsigned word_log2);
    row_info_t r;
    logic [31:0] lo_i, v_word_n, i_word_n;
    lo_i = lo + g.id_delta;
    r.v_word0 = lo >> word_log2;
    v_word_n = (lo + g.groups - 1) >> word_log2;
    r.i_word0 = lo_i >> word_log2;
    i_word_n = (lo_i + g.groups - 1) >> word_log2;
    r.sh_v = !first && r.v_word0 == rd.v_word;
    r.sh_i = g.ids && !first && r.i_word0 == rd.id_word;
    r.own_v = v_word_n - r.v_word0 + 1 - 32'(r.sh_v);
    r.own_i = g.ids ? i_word_n - r.i_word0 + 1 - 32'(r.sh_i) : '0;
    r.through = rd.reads + r.own_v + r.own_i;
    r.vpos0 = r.sh_v ? rd.v_pos : rd.reads;
    r.vpos1 = r.sh_v ? rd.reads : rd.reads + 1;
    r.ipos0 = r.sh_i ? rd.id_pos : rd.reads + r.own_v;
    r.ipos1 = r.sh_i ? rd.reads + r.own_v : rd.reads + r.own_v + 1;
    r.next.reads = r.through;
    r.next.v_word = v_word_n;
    r.next.id_word = i_word_n;
    r.next.v_pos = r.own_v != 0 ? rd.reads + r.own_v - 1 : rd.v_pos;
    r.next.id_pos = r.own_i != 0 ? r.through - 1 : rd.id_pos;
    return r;
  endfunction

  function automatic logic walk_last_row(logic [31:0] iy, logic [31:0] ix, logic [31:0] nky,
                                         logic [31:0] nkx);
    return ix + 1 == nkx && iy + 1 == nky;
  endfunction

  // The walker past its row (whose row reads leave `next`): the next offset of the input, or
  // row 0 of the next input.
  function automatic walk_t walk_next(walk_t w, reads_t next, step_geom_t s);
    walk_t n = w;
    n.row_seq = w.row_seq + 1;
    n.rd = next;
    n.j = '0;
    if (w.ix + 1 < w.nkx) begin
      n.ix = w.ix + 1;
      n.lo = w.lo + s.x;
      n.pix = w.pix - 1;
    end else if (w.iy + 1 < w.nky) begin
      n.iy = w.iy + 1;
      n.ix = '0;
      n.lo = w.lo_rs + s.y;
      n.lo_rs = n.lo;
      n.pix = w.pix_rs - s.wo;
      n.pix_rs = n.pix;
    end else begin
      n.fresh = 1'b1;
      n.in_ptr = w.in_ptr + 1;
    end
    return n;
  endfunction

  // ceil(log2 x) for x >= 1 (model/base/bits.h CeilLog2): kernel-ID bits per product.
  function automatic logic [31:0] ceil_log2(logic [31:0] x);
    logic [31:0] bits = '0;
    for (int unsigned b = 0; b < 32; b++) begin
      if ((64'(1) << b) < 64'(x)) bits = 32'(b + 1);
    end
    return bits;
  endfunction

  // The PPU output stage (model/ppu/ppu_ops.h OutputStage): requantise (round half up, arithmetic
  // shift, clamp to int8), then ReLU.
  function automatic logic [31:0] output_stage(logic [31:0] x, logic requant, logic [31:0] shift,
                                               logic relu);
    logic signed [63:0] v;
    v = 64'($signed(x));
    if (requant) begin
      if ($signed(shift) > 0) v = (v + (64'sd1 <<< (shift[5:0] - 6'd1))) >>> shift[5:0];
      if (v > 64'sd127) v = 64'sd127;
      if (v < -64'sd128) v = -64'sd128;
    end
    if (relu && v < 0) v = '0;
    return v[31:0];
  endfunction

endpackage
