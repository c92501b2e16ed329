// tflm_run: run one .tflite model through TensorFlow Lite Micro's
// MicroInterpreter (reference kernels) and dump the raw output tensors.
// A developer tool (test oracle) for tinysim; see README.md beside it.
//
//   tflm_run [--resource-variables N] [--invokes N] MODEL.tflite OUTDIR IN0.bin
//            [IN1.bin ...]
//
// --invokes N calls Invoke N times (default 1), copying the inputs in before
// each call; variable tensors (LSTM and SVDF state) carry over from one call
// to the next, and the outputs written are those of the last call.
//
// By default a MicroResourceVariables table is made only when the model has
// VAR_HANDLE ops (one slot per VAR_HANDLE), so arena_used_bytes() equals that
// of a plain MicroInterpreter(model, resolver, arena, size).  With
// --resource-variables N a table of N slots is always made (N >= 1) from the
// persistent arena, which adds about 16 + 40*N bytes to arena_used_bytes().
//
// Each INk.bin holds the raw bytes of input k (size must match exactly).
// Writes OUTDIR/output_K.bin for every output K and prints
// "arena_used_bytes N" on stdout.  Exit status: 0 ok, 1 usage/IO, 2 TFLM.

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tensorflow/lite/micro/micro_allocator.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/micro/micro_resource_variable.h"
#include "tensorflow/lite/schema/schema_generated.h"

namespace {

#ifndef TFLM_RUN_ARENA_BYTES
#define TFLM_RUN_ARENA_BYTES (16u << 20)  // 16 MiB
#endif
constexpr size_t kArenaBytes = TFLM_RUN_ARENA_BYTES;
alignas(16) uint8_t g_arena[kArenaBytes];

[[noreturn]] void Die(int code, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::fprintf(stderr, "tflm_run: error: ");
  std::vfprintf(stderr, fmt, ap);
  std::fprintf(stderr, "\n");
  va_end(ap);
  std::exit(code);
}

std::vector<uint8_t> ReadAll(const char* path) {
  FILE* f = std::fopen(path, "rb");
  if (!f) Die(1, "cannot open %s: %s", path, std::strerror(errno));
  std::vector<uint8_t> buf;
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0)
    buf.insert(buf.end(), chunk, chunk + n);
  if (std::ferror(f)) Die(1, "cannot read %s", path);
  std::fclose(f);
  return buf;
}

void WriteAll(const char* path, const void* data, size_t len) {
  FILE* f = std::fopen(path, "wb");
  if (!f) Die(1, "cannot create %s: %s", path, std::strerror(errno));
  if (len && std::fwrite(data, 1, len, f) != len) Die(1, "cannot write %s", path);
  if (std::fclose(f) != 0) Die(1, "cannot close %s", path);
}

// Every op MicroMutableOpResolver can add at this TFLM commit, except the
// signal-library custom ops (not built; they need kissfft) and ETHOSU.
constexpr unsigned kMaxOps = 160;
using Resolver = tflite::MicroMutableOpResolver<kMaxOps>;

void RegisterAll(Resolver& r) {
  int bad = 0;
  auto chk = [&bad](TfLiteStatus s, const char* name) {
    if (s != kTfLiteOk) {
      std::fprintf(stderr, "tflm_run: failed to register %s\n", name);
      ++bad;
    }
  };
#define REG(m) chk(r.m(), #m)
  REG(AddAbs); REG(AddAdd); REG(AddAddN); REG(AddArgMax); REG(AddArgMin);
  REG(AddAssignVariable); REG(AddAveragePool2D); REG(AddBatchMatMul);
  REG(AddBatchToSpaceNd); REG(AddBroadcastArgs); REG(AddBroadcastTo);
  REG(AddCallOnce); REG(AddCast); REG(AddCeil); REG(AddCircularBuffer);
  REG(AddConcatenation); REG(AddConv2D); REG(AddCos); REG(AddCumSum);
  REG(AddDecode); REG(AddDepthToSpace); REG(AddDepthwiseConv2D);
  REG(AddDequantize); REG(AddDetectionPostprocess); REG(AddDiv);
  REG(AddDynamicUpdateSlice); REG(AddEmbeddingLookup); REG(AddElu);
  REG(AddEqual); REG(AddExp); REG(AddExpandDims); REG(AddFill);
  REG(AddFloor); REG(AddFloorDiv); REG(AddFloorMod); REG(AddFullyConnected);
  REG(AddGather); REG(AddGatherNd); REG(AddGreater); REG(AddGreaterEqual);
  REG(AddHardSwish); REG(AddIf); REG(AddL2Normalization); REG(AddL2Pool2D);
  REG(AddLeakyRelu); REG(AddLess); REG(AddLessEqual); REG(AddLog);
  REG(AddLogicalAnd); REG(AddLogicalNot); REG(AddLogicalOr);
  REG(AddLogistic); REG(AddLogSoftmax); REG(AddMaximum); REG(AddMaxPool2D);
  REG(AddMirrorPad); REG(AddMean); REG(AddMinimum); REG(AddMul);
  REG(AddNeg); REG(AddNotEqual); REG(AddPack); REG(AddPad); REG(AddPadV2);
  REG(AddPrelu); REG(AddQuantize); REG(AddReadVariable); REG(AddReduceAll);
  REG(AddReduceMax); REG(AddReduceMin); REG(AddRelu); REG(AddRelu6);
  REG(AddReshape); REG(AddResizeBilinear); REG(AddResizeNearestNeighbor);
  REG(AddReverseV2); REG(AddRound); REG(AddRsqrt); REG(AddSelectV2);
  REG(AddShape); REG(AddSin); REG(AddSlice); REG(AddSoftmax);
  REG(AddSpaceToBatchNd); REG(AddSpaceToDepth); REG(AddSplit);
  REG(AddSplitV); REG(AddSqueeze); REG(AddSqrt); REG(AddSquare);
  REG(AddSquaredDifference); REG(AddStridedSlice); REG(AddSub); REG(AddSum);
  REG(AddSvdf); REG(AddTanh); REG(AddTransposeConv); REG(AddTranspose);
  REG(AddUnpack); REG(AddUnidirectionalSequenceLSTM); REG(AddVarHandle);
  REG(AddWhile); REG(AddZerosLike);
#undef REG
  if (bad) Die(2, "%d op registrations failed", bad);
}

int CountVarHandles(const tflite::Model* model) {
  const auto* codes = model->operator_codes();
  const auto* subgraphs = model->subgraphs();
  if (!codes || !subgraphs) return 0;
  int n = 0;
  for (const auto* sg : *subgraphs) {
    if (!sg->operators()) continue;
    for (const auto* op : *sg->operators()) {
      uint32_t idx = op->opcode_index();
      if (idx >= codes->size()) continue;
      const auto* c = codes->Get(idx);
      int32_t code = std::max<int32_t>(c->deprecated_builtin_code(),
                                       static_cast<int32_t>(c->builtin_code()));
      if (code == tflite::BuiltinOperator_VAR_HANDLE) ++n;
    }
  }
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  const char* prog = argv[0];
  int forced_vars = 0;
  long invokes = 1;
  while (argc >= 3 && (std::strcmp(argv[1], "--resource-variables") == 0 ||
                       std::strcmp(argv[1], "--invokes") == 0)) {
    char* end = nullptr;
    long v = std::strtol(argv[2], &end, 10);
    if (!end || *end || v < 1 || v > 100000)
      Die(1, "%s needs a count from 1 to 100000, got '%s'", argv[1], argv[2]);
    if (std::strcmp(argv[1], "--resource-variables") == 0)
      forced_vars = static_cast<int>(v);
    else
      invokes = v;
    argc -= 2;
    argv += 2;
  }
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: %s [--resource-variables N] [--invokes N] MODEL.tflite "
                 "OUTDIR IN0.bin [IN1.bin ...]\n",
                 prog);
    return 1;
  }
  const char* model_path = argv[1];
  const char* out_dir = argv[2];

  // Keep the model in a 16-byte-aligned buffer for the flatbuffer accessors.
  std::vector<uint8_t> raw = ReadAll(model_path);
  std::vector<uint64_t> model_buf((raw.size() + 7) / 8 + 1);
  std::memcpy(model_buf.data(), raw.data(), raw.size());

  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(model_buf.data()),
                                 raw.size());
  if (!tflite::VerifyModelBuffer(verifier))
    Die(2, "%s is not a valid TFLite flatbuffer", model_path);
  const tflite::Model* model = tflite::GetModel(model_buf.data());
  if (model->version() != TFLITE_SCHEMA_VERSION)
    Die(2, "model schema version %u, TFLM supports %d", model->version(),
        TFLITE_SCHEMA_VERSION);

  static Resolver resolver;
  RegisterAll(resolver);

  tflite::MicroAllocator* allocator =
      tflite::MicroAllocator::Create(g_arena, kArenaBytes);
  if (!allocator) Die(2, "MicroAllocator::Create failed");
  // Resource variables only when the model uses them, so that the arena
  // figure of ordinary models is the same as with the plain constructor.
  tflite::MicroResourceVariables* vars = nullptr;
  int nvars = forced_vars > 0 ? forced_vars : CountVarHandles(model);
  if (nvars > 0) {
    vars = tflite::MicroResourceVariables::Create(allocator, nvars);
    if (!vars) Die(2, "MicroResourceVariables::Create(%d) failed", nvars);
  }

  tflite::MicroInterpreter interp(model, resolver, allocator, vars);
  if (interp.initialization_status() != kTfLiteOk)
    Die(2, "MicroInterpreter initialisation failed (see TFLM messages above)");
  if (interp.AllocateTensors() != kTfLiteOk)
    Die(2, "AllocateTensors failed (see TFLM messages above)");

  const size_t n_in = interp.inputs_size();
  const size_t n_given = static_cast<size_t>(argc - 3);
  if (n_given != n_in)
    Die(1, "model has %zu input(s), %zu input file(s) given", n_in, n_given);
  std::vector<std::vector<uint8_t>> in_bytes(n_in);
  for (size_t k = 0; k < n_in; ++k) {
    TfLiteTensor* t = interp.input(k);
    if (!t || !t->data.raw) Die(2, "input %zu has no buffer", k);
    in_bytes[k] = ReadAll(argv[3 + k]);
    if (in_bytes[k].size() != t->bytes)
      Die(1, "input %zu (%s): file has %zu bytes, tensor needs %zu", k,
          argv[3 + k], in_bytes[k].size(), t->bytes);
  }

  for (long i = 0; i < invokes; ++i) {
    // The planner may reuse an input's bytes once read: copy them in each time.
    for (size_t k = 0; k < n_in; ++k)
      std::memcpy(interp.input(k)->data.raw, in_bytes[k].data(),
                  in_bytes[k].size());
    if (interp.Invoke() != kTfLiteOk)
      Die(2, "Invoke %ld failed (see TFLM messages above)", i + 1);
  }

  for (size_t k = 0; k < interp.outputs_size(); ++k) {
    const TfLiteTensor* t = interp.output(k);
    if (!t || !t->data.raw) Die(2, "output %zu has no buffer", k);
    char path[4096];
    std::snprintf(path, sizeof path, "%s/output_%zu.bin", out_dir, k);
    WriteAll(path, t->data.raw, t->bytes);
  }
  std::printf("arena_used_bytes %zu\n", interp.arena_used_bytes());
  return 0;
}
