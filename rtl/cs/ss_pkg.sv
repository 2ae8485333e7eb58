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

  // Row 0 of input 0, not loaded (fresh is walk_t's top bit of 521).
  localparam walk_t WalkInit = {1'b1, 520'b0};

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

  // yosys 0.23 reads no member of a struct argument and no struct local in a function, so the
  // walk functions take the fields they need and build their result by concatenation, in the
  // struct's member order. Results and struct arguments are plain vectors of the structs' widths:
  // yosys 0.23 makes a latch of a struct-typed result or argument when the call is under a
  // condition (and it has no $bits of a type). A width here that is not the struct's makes every
  // call a WIDTH error in Verilator's lint.
  localparam int unsigned ReadsBits = 160;    // $bits(reads_t)
  localparam int unsigned WalkBits = 521;     // $bits(walk_t)
  localparam int unsigned RowInfoBits = 450;  // $bits(row_info_t)

  // The walker at row 0 of the input it loads; rd is a reads_t.
  function automatic logic [WalkBits-1:0] walk_load(logic [31:0] in_ptr, logic [31:0] row_seq,
                                                     logic [7:0] value, logic [31:0] nky,
                                                     logic [31:0] nkx, logic [31:0] lo,
                                                     logic [31:0] pix, logic [ReadsBits-1:0] rd);
    walk_load = {1'b0, in_ptr, row_seq, value, nky, nkx, 32'd0, 32'd0, lo, lo, pix, pix, rd, 32'd0};
  endfunction

  // The row at value address `lo`, the first of its input or not; rd_* are the reads_t before it.
  function automatic logic [RowInfoBits-1:0] row_info(logic first, logic [31:0] lo,
                                                       logic [31:0] rd_reads,
                                                       logic [31:0] rd_v_word,
                                                       logic [31:0] rd_id_word,
                                                       logic [31:0] rd_v_pos,
                                                       logic [31:0] rd_id_pos,
                                                       logic [31:0] groups,
                                                       logic [31:0] id_delta, logic ids,
                                                       int unsigned word_log2);
    logic [31:0] lo_i, v_word_n, i_word_n, v_word0, i_word0, own_v, own_i, through;
    logic [31:0] vpos0, vpos1, ipos0, ipos1, next_v_pos, next_id_pos;
    logic sh_v, sh_i;
    lo_i = lo + id_delta;
    v_word0 = lo >> word_log2;
    v_word_n = (lo + groups - 1) >> word_log2;
    i_word0 = lo_i >> word_log2;
    i_word_n = (lo_i + groups - 1) >> word_log2;
    sh_v = !first && v_word0 == rd_v_word;
    sh_i = ids && !first && i_word0 == rd_id_word;
    own_v = v_word_n - v_word0 + 1 - 32'(sh_v);
    own_i = ids ? i_word_n - i_word0 + 1 - 32'(sh_i) : '0;
    through = rd_reads + own_v + own_i;
    vpos0 = sh_v ? rd_v_pos : rd_reads;
    vpos1 = sh_v ? rd_reads : rd_reads + 1;
    ipos0 = sh_i ? rd_id_pos : rd_reads + own_v;
    ipos1 = sh_i ? rd_reads + own_v : rd_reads + own_v + 1;
    next_v_pos = own_v != 0 ? rd_reads + own_v - 1 : rd_v_pos;
    next_id_pos = own_i != 0 ? through - 1 : rd_id_pos;
    row_info = {v_word0, i_word0, sh_v, sh_i, own_v, own_i, through, vpos0, vpos1, ipos0, ipos1,
                through, v_word_n, i_word_n, next_v_pos, next_id_pos};
  endfunction

  function automatic logic walk_last_row(logic [31:0] iy, logic [31:0] ix, logic [31:0] nky,
                                         logic [31:0] nkx);
    walk_last_row = ix + 1 == nkx && iy + 1 == nky;
  endfunction

  // The walker past its row (whose row reads leave `next`, a reads_t): the next offset of the
  // input, or row 0 of the next input. The other arguments are the walker's fields; s_* the
  // step_geom_t.
  function automatic logic [WalkBits-1:0] walk_next(logic fresh, logic [31:0] in_ptr,
                                                     logic [31:0] row_seq, logic [7:0] value,
                                                     logic [31:0] nky, logic [31:0] nkx,
                                                     logic [31:0] iy, logic [31:0] ix,
                                                     logic [31:0] lo, logic [31:0] lo_rs,
                                                     logic [31:0] pix, logic [31:0] pix_rs,
                                                     logic [31:0] s_x, logic [31:0] s_y,
                                                     logic [31:0] s_wo,
                                                     logic [ReadsBits-1:0] next);
    logic adv_x, adv_y, done;
    logic [31:0] n_in_ptr, n_iy, n_ix, n_lo, n_lo_rs, n_pix, n_pix_rs;
    // Straight-line (a branch here makes yosys 0.23 infer a latch for the result when the call
    // is itself under a condition).
    adv_x = ix + 1 < nkx;
    adv_y = !adv_x && iy + 1 < nky;
    done = !adv_x && !adv_y;
    n_in_ptr = done ? in_ptr + 1 : in_ptr;
    n_iy = adv_y ? iy + 1 : iy;
    n_ix = adv_x ? ix + 1 : adv_y ? '0 : ix;
    n_lo = adv_x ? lo + s_x : adv_y ? lo_rs + s_y : lo;
    n_lo_rs = adv_y ? lo_rs + s_y : lo_rs;
    n_pix = adv_x ? pix - 1 : adv_y ? pix_rs - s_wo : pix;
    n_pix_rs = adv_y ? pix_rs - s_wo : pix_rs;
    walk_next = {fresh || done, n_in_ptr, row_seq + 32'd1, value, nky, nkx, n_iy, n_ix, n_lo,
                 n_lo_rs, n_pix, n_pix_rs, next, 32'd0};
  endfunction

  // ceil(log2 x) for x >= 1 (model/base/bits.h CeilLog2): kernel-ID bits per product.
  function automatic logic [31:0] ceil_log2(logic [31:0] x);
    ceil_log2 = '0;
    for (int unsigned b = 0; b < 32; b++) begin
      if ((64'(1) << b) < 64'(x)) ceil_log2 = 32'(b + 1);
    end
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
    output_stage = v[31:0];
  endfunction

endpackage
