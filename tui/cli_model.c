/*
 * The model commands: convert (.tflite -> .tsm), inspect (layer table, text or JSON) and
 * infer (run the core on the host, optionally dumping every layer's output).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/nn_model.h"
#include "../models/json.h"
#include "../models/modelfile.h"
#include "../models/text.h"
#include "../models/outfile.h"
#include "../models/util.h"
#include "cli.h"

/* ===================================================================== shared helpers */

/* Open a model or report why not (exit code 3). */
static int open_model(const char *path, mf_model *mf)
{
    char *cause = NULL;
    if (mf_open(path, mf, &cause) != 0) {
        cli_error("%s", cause);
        free(cause);
        return TS_EXIT_INPUT;
    }
    return TS_EXIT_OK;
}

/*
 * A layer name for a table column: TFLite joins the names of fused ops with ';', which makes
 * names of 300 characters; show the first part, cut to about `width` with "..." (JSON keeps it
 * all), and made safe for a terminal (models/text.h: the name is the model's). buf holds
 * TEXT_SAFE_SIZE(width) bytes.
 */
static const char *short_name(const char *name, char *buf, size_t width)
{
    char part[256];
    size_t n = strcspn(name, ";");
    if (width >= sizeof part)
        width = sizeof part - 1;
    if (n > width)
        snprintf(part, width + 1, "%.*s...", (int)(width - 3), name);
    else
        snprintf(part, width + 1, "%.*s", (int)n, name);
    return text_safe(part, buf, TEXT_SAFE_SIZE(width));
}

/* Per-layer figures for inspect. */
typedef struct {
    uint64_t macs;
    uint32_t weight_bytes;     /* constant operands: weights and bias */
    uint32_t activation_bytes; /* arena operands read and written */
} layer_figures;

static layer_figures figures(const nn_model *m, uint32_t l)
{
    layer_figures f = {nn_layer_macs(m, l), 0, 0};
    const nn_tsm_layer *L = nn_layer(m, l);
    for (uint32_t k = 0; k <= L->n_inputs; k++) {
        uint32_t t = nn_layer_operand(m, l, k);
        if (t == NN_NO_TENSOR)
            continue;
        const nn_tsm_tensor *x = nn_tensor(m, t);
        if (x->storage == NN_S_CONST)
            f.weight_bytes += x->size;
        else
            f.activation_bytes += x->size;
    }
    return f;
}

/* ===================================================================== convert */

int cli_convert(int argc, char **argv)
{
    const cli_command *c = cli_find("convert");
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': out = optarg; break;
        case ':': return cli_usage_error(c, "option %s needs an argument", argv[optind - 1]);
        default: return cli_usage_error(c, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error(c, "missing MODEL.tflite");
    if (argc - optind > 1)
        return cli_usage_error(c, "unexpected argument '%s'", argv[optind + 1]);
    if (out == NULL)
        return cli_usage_error(c, "missing -o MODEL.tsm");
    /* the output first (models/outfile.h): one that cannot be written fails before the work */
    char *cause = NULL;
    mo_file *o = mo_open(out, &cause);
    if (!o) {
        cli_error("%s", cause);
        free(cause);
        return TS_EXIT_INPUT;
    }
    mf_model mf;
    int rc = open_model(argv[optind], &mf);
    if (rc != TS_EXIT_OK) {
        mo_abort(o);
        return rc;
    }
    if (!mf.from_tflite) {
        cli_error("%s is already a compiled .tsm model; nothing to convert", argv[optind]);
        mf_close(&mf);
        mo_abort(o);
        return TS_EXIT_INPUT;
    }
    FILE *say = mo_is_stdout(o) ? stderr : stdout; /* -o -: the image is stdout's */
    mo_write(o, mf.image, mf.size);
    if (mo_commit(o, &cause) != 0) {
        cli_error("%s", cause);
        free(cause);
        mf_close(&mf);
        return TS_EXIT_INPUT;
    }
    char a[32], b[32], s[32];
    fprintf(say, "wrote %s: %u layers, %u tensors, %s bytes; arena %s bytes (%s without planning)\n",
            out, mf.model.hdr->n_layers, mf.model.hdr->n_tensors, text_grouped(mf.size, s, sizeof s),
            text_grouped(mf.model.hdr->arena_size, a, sizeof a),
            text_grouped(mf.arena_unshared, b, sizeof b));
    mf_close(&mf);
    return TS_EXIT_OK;
}

/* ===================================================================== inspect */

static void json_shape(jw *w, const char *key, const nn_tsm_tensor *t)
{
    jw_arr_flat(w, key);
    for (uint32_t i = 0; i < t->ndims; i++)
        jw_int(w, NULL, t->dims[i]);
    jw_end(w);
}

static void json_tensor(jw *w, const nn_model *m, uint32_t t)
{
    const nn_tsm_tensor *x = nn_tensor(m, t);
    jw_obj(w, NULL);
    jw_int(w, "tensor", t);
    jw_str(w, "name", nn_string(m, x->name));
    jw_str(w, "type", mf_type_name(x->type));
    json_shape(w, "shape", x);
    jw_uint(w, "bytes", x->size);
    jw_num(w, "scale", x->scale);
    jw_int(w, "zero_point", x->zero_point);
    jw_end(w);
}

static void inspect_json(const mf_model *mf)
{
    const nn_model *m = &mf->model;
    jw w;
    uint64_t macs = 0, weights = 0;
    jw_init(&w, stdout);
    jw_obj(&w, NULL);
    jw_str(&w, "schema", "tinysim-inspect/1");
    jw_str(&w, "model", mf->path);
    jw_str(&w, "format", mf->from_tflite ? "tflite" : "tsm");
    jw_str(&w, "name", nn_string(m, m->hdr->name));
    jw_arr(&w, "inputs");
    for (uint32_t i = 0; i < m->hdr->n_inputs; i++)
        json_tensor(&w, m, nn_model_input(m, i));
    jw_end(&w);
    jw_arr(&w, "outputs");
    for (uint32_t i = 0; i < m->hdr->n_outputs; i++)
        json_tensor(&w, m, nn_model_output(m, i));
    jw_end(&w);
    jw_arr(&w, "layers");
    for (uint32_t l = 0; l < m->hdr->n_layers; l++) {
        const nn_tsm_layer *L = nn_layer(m, l);
        layer_figures f = figures(m, l);
        macs += f.macs;
        weights += f.weight_bytes;
        jw_obj(&w, NULL);
        jw_uint(&w, "index", l);
        jw_str(&w, "op", nn_op_name(L->op));
        jw_str(&w, "name", nn_string(m, L->name));
        json_shape(&w, "input_shape", nn_tensor(m, nn_layer_operand(m, l, 0)));
        json_shape(&w, "output_shape", nn_tensor(m, nn_layer_operand(m, l, L->n_inputs)));
        jw_uint(&w, "macs", f.macs);
        jw_uint(&w, "weight_bytes", f.weight_bytes);
        jw_uint(&w, "activation_bytes", f.activation_bytes);
        jw_end(&w);
    }
    jw_end(&w);
    jw_obj(&w, "totals");
    jw_uint(&w, "layers", m->hdr->n_layers);
    jw_uint(&w, "tensors", m->hdr->n_tensors);
    jw_uint(&w, "macs", macs);
    jw_uint(&w, "weight_bytes", weights);
    jw_uint(&w, "flash_bytes", mf->size);
    jw_uint(&w, "arena_bytes", m->hdr->arena_size);
    if (mf->from_tflite)
        jw_uint(&w, "arena_unplanned_bytes", mf->arena_unshared);
    jw_end(&w);
    jw_finish(&w);
}

static void inspect_text(const mf_model *mf)
{
    const nn_model *m = &mf->model;
    char buf[256], shown[TEXT_SAFE_SIZE(sizeof buf)], a[32], b[32], c[32], d[32];
    uint64_t macs = 0, weights = 0;
    /* names are the model's, so they go through text_safe (models/text.h) */
    printf("model %s (%s, '%s')\n", mf->path,
           mf->from_tflite ? ".tflite, converted in memory" : ".tsm",
           text_safe(nn_string(m, m->hdr->name), shown, sizeof shown));
    for (uint32_t i = 0; i < m->hdr->n_inputs; i++) {
        uint32_t t = nn_model_input(m, i);
        mf_describe_tensor(m, t, buf, sizeof buf);
        printf("  input %u:  %s scale %g zero point %d\n", i, text_safe(buf, shown, sizeof shown),
               (double)nn_tensor(m, t)->scale, (int)nn_tensor(m, t)->zero_point);
    }
    for (uint32_t i = 0; i < m->hdr->n_outputs; i++) {
        uint32_t t = nn_model_output(m, i);
        mf_describe_tensor(m, t, buf, sizeof buf);
        printf("  output %u: %s scale %g zero point %d\n", i, text_safe(buf, shown, sizeof shown),
               (double)nn_tensor(m, t)->scale, (int)nn_tensor(m, t)->zero_point);
    }
    int ow = 18; /* the op column fits the longest op name */
    for (uint32_t l = 0; l < m->hdr->n_layers; l++) {
        int w = (int)strlen(nn_op_name(nn_layer(m, l)->op));
        ow = w > ow ? w : ow;
    }
    printf("\n%3s  %-*s %-14s %-14s %12s %9s %9s  %s\n", "#", ow, "op", "input", "output",
           "MACs", "weights", "activ.", "name");
    for (uint32_t l = 0; l < m->hdr->n_layers; l++) {
        const nn_tsm_layer *L = nn_layer(m, l);
        layer_figures f = figures(m, l);
        char in[48], out[48];
        mf_shape_str(nn_tensor(m, nn_layer_operand(m, l, 0)), in, sizeof in);
        mf_shape_str(nn_tensor(m, nn_layer_operand(m, l, L->n_inputs)), out, sizeof out);
        macs += f.macs;
        weights += f.weight_bytes;
        char nm[TEXT_SAFE_SIZE(48)];
        printf("%3u  %-*s %-14s %-14s %12s %9u %9u  %s\n", l, ow, nn_op_name(L->op), in, out,
               text_grouped(f.macs, a, sizeof a), f.weight_bytes, f.activation_bytes,
               short_name(nn_string(m, L->name), nm, 48));
    }
    printf("\ntotals: %u layers, %s MACs, weights %s bytes, flash (.tsm image) %s bytes, "
           "arena %s bytes",
           m->hdr->n_layers, text_grouped(macs, a, sizeof a), text_grouped(weights, b, sizeof b),
           text_grouped(mf->size, c, sizeof c), text_grouped(m->hdr->arena_size, d, sizeof d));
    if (mf->from_tflite)
        printf(" (%s without planning)", text_grouped(mf->arena_unshared, a, sizeof a));
    printf("\n");
}

int cli_inspect(int argc, char **argv)
{
    const cli_command *c = cli_find("inspect");
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    int json = 0, ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (ch) {
        case 'j': json = 1; break;
        default: return cli_usage_error(c, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error(c, "missing MODEL");
    if (argc - optind > 1)
        return cli_usage_error(c, "unexpected argument '%s'", argv[optind + 1]);
    mf_model mf;
    int rc = open_model(argv[optind], &mf);
    if (rc != TS_EXIT_OK)
        return rc;
    if (json)
        inspect_json(&mf);
    else
        inspect_text(&mf);
    mf_close(&mf);
    return TS_EXIT_OK;
}

/* ===================================================================== infer */

#define MAX_FILES NN_MAX_IO

/* Write a layer's output tensor to dir/op_NN_OPNAME.bin. */
static int dump_layer(const nn_model *m, uint32_t l, const char *dir)
{
    const nn_tsm_layer *L = nn_layer(m, l);
    uint32_t t = nn_layer_operand(m, l, L->n_inputs);
    char *path = mu_asprintf("%s/op_%02u_%s.bin", dir, l, nn_op_name(L->op));
    char *cause = NULL;
    int rc = mo_write_file(path, nn_tensor_data(m, t), nn_tensor(m, t)->size, &cause);
    if (rc != 0) {
        cli_error("%s", cause);
        free(cause);
    }
    free(path);
    return rc;
}

int cli_infer(int argc, char **argv)
{
    const cli_command *c = cli_find("infer");
    static const struct option opts[] = {
        {"input", required_argument, NULL, 'i'},
        {"output", required_argument, NULL, 'o'},
        {"dump-layers", required_argument, NULL, 'd'},
        {"invokes", required_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    const char *inputs[MAX_FILES], *outputs[MAX_FILES], *dump = NULL;
    int nin = 0, nout = 0, ch;
    long invokes = 1;
    char *end;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":i:o:", opts, NULL)) != -1) {
        switch (ch) {
        case 'i':
            if (nin == MAX_FILES)
                return cli_usage_error(c, "more than %d --input files", MAX_FILES);
            inputs[nin++] = optarg;
            break;
        case 'o':
            if (nout == MAX_FILES)
                return cli_usage_error(c, "more than %d --output files", MAX_FILES);
            outputs[nout++] = optarg;
            break;
        case 'd': dump = optarg; break;
        case 'n':
            errno = 0;
            invokes = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || invokes < 1 || invokes > 1000000)
                return cli_usage_error(c, "--invokes %s: give a count from 1 to 1000000", optarg);
            break;
        case ':': return cli_usage_error(c, "option %s needs an argument", argv[optind - 1]);
        default: return cli_usage_error(c, "unknown option %s", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error(c, "missing MODEL");
    if (argc - optind > 1)
        return cli_usage_error(c, "unexpected argument '%s'", argv[optind + 1]);
    if (nin == 0)
        return cli_usage_error(c, "missing --input FILE");
    if (nout == 0)
        return cli_usage_error(c, "missing --output FILE");
    /* The outputs first (models/outfile.h): what cannot be written fails before the work. */
    mo_file *outs[MAX_FILES] = {0};
    FILE *say = stdout; /* stderr when an output is stdout's */
    char *cause = NULL;
    char desc[256];
    mf_model mf = {0};
    int rc = TS_EXIT_INPUT;
    for (int i = 0; i < nout; i++) {
        if (!(outs[i] = mo_open(outputs[i], &cause)))
            goto fail;
        for (int j = 0; j < i; j++) {
            if (mo_is_stdout(outs[i]) && mo_is_stdout(outs[j])) {
                rc = cli_usage_error(c, "--output %s and --output %s: only one output can go to "
                                        "standard output; give the others files",
                                     outputs[j], outputs[i]);
                goto done;
            }
            if (mo_is_regular(outs[i]) && strcmp(outputs[i], outputs[j]) == 0) {
                rc = cli_usage_error(c, "--output %s twice: give each output its own file",
                                     outputs[i]);
                goto done;
            }
        }
        if (mo_is_stdout(outs[i]))
            say = stderr;
    }
    if (dump) {
        struct stat st;
        if (mkdir(dump, 0777) != 0 && errno != EEXIST) {
            cli_error("--dump-layers: cannot create directory %s: %s", dump, strerror(errno));
            goto done;
        }
        if (stat(dump, &st) != 0 || !S_ISDIR(st.st_mode)) {
            cli_error("--dump-layers: %s is not a directory: give a directory for the layer "
                      "files", dump);
            goto done;
        }
    }
    rc = open_model(argv[optind], &mf);
    if (rc != TS_EXIT_OK)
        goto done;
    nn_model *m = &mf.model;
    rc = TS_EXIT_INPUT;
    if ((uint32_t)nin != m->hdr->n_inputs) {
        cli_error("%s has %u inputs; give --input once for each (got %d)", mf.path,
                  m->hdr->n_inputs, nin);
        rc = TS_EXIT_USAGE;
        goto done;
    }
    if ((uint32_t)nout != m->hdr->n_outputs) {
        cli_error("%s has %u outputs; give --output once for each (got %d)", mf.path,
                  m->hdr->n_outputs, nout);
        rc = TS_EXIT_USAGE;
        goto done;
    }
    if (mf_alloc_arena(&mf, &cause) != 0)
        goto fail;
    uint8_t *in_data[MAX_FILES] = {0};
    for (int i = 0; i < nin; i++) {
        uint32_t t = nn_model_input(m, (uint32_t)i);
        size_t len;
        if (mu_read_file(inputs[i], &in_data[i], &len, &cause) != 0) {
            for (int j = 0; j < i; j++)
                free(in_data[j]);
            goto fail;
        }
        if (len != nn_tensor(m, t)->size) {
            mf_describe_tensor(m, t, desc, sizeof desc);
            char shown[TEXT_SAFE_SIZE(sizeof desc)];
            cli_error("%s is %zu bytes; input %d of %s is %s, so it must be %u bytes",
                      inputs[i], len, i, mf.path, text_safe(desc, shown, sizeof shown),
                      nn_tensor(m, t)->size);
            for (int j = 0; j <= i; j++)
                free(in_data[j]);
            goto done;
        }
    }
    /* Each run starts from the same inputs (the arena planner may reuse an input's bytes
     * once it has been read); state (an LSTM's, an SVDF's) carries over between runs, as
     * in TFLM when Invoke is called again. Layer dumps are the last run's. */
    int run_ok = 1;
    for (long k = 0; k < invokes && run_ok; k++) {
        for (int i = 0; i < nin; i++) {
            uint32_t t = nn_model_input(m, (uint32_t)i);
            memcpy((void *)(uintptr_t)nn_tensor_data(m, t), in_data[i], nn_tensor(m, t)->size);
        }
        const int last = k == invokes - 1;
        nn_probe_inference_begin(m);
        for (uint32_t l = 0; l < m->hdr->n_layers; l++) {
            nn_status s = nn_run_layer(m, l);
            if (s != NN_OK) {
                cli_error("%s: layer %u (%s): %s", mf.path, l, nn_op_name(nn_layer(m, l)->op),
                          nn_strerror(s));
                run_ok = 0;
                break;
            }
            if (last && dump && dump_layer(m, l, dump) != 0) {
                run_ok = 0;
                break;
            }
        }
        if (run_ok)
            nn_probe_inference_end(m);
    }
    for (int i = 0; i < nin; i++)
        free(in_data[i]);
    if (!run_ok)
        goto done;
    for (int i = 0; i < nout; i++) {
        uint32_t t = nn_model_output(m, (uint32_t)i);
        const nn_tsm_tensor *x = nn_tensor(m, t);
        mo_file *o = outs[i];
        outs[i] = NULL;
        mo_write(o, nn_tensor_data(m, t), x->size);
        if (mo_commit(o, &cause) != 0)
            goto fail;
        mf_describe_tensor(m, t, desc, sizeof desc);
        char shown[TEXT_SAFE_SIZE(sizeof desc)];
        fprintf(say, "output %d: %s -> %s", i, text_safe(desc, shown, sizeof shown), outputs[i]);
        if (x->type == NN_T_INT8) {
            const int8_t *v = nn_tensor_data(m, t);
            uint32_t best = 0;
            for (uint32_t k = 1; k < x->size; k++)
                if (v[k] > v[best])
                    best = k;
            fprintf(say, "; argmax %u (value %d)", best, v[best]);
        }
        fprintf(say, "\n");
    }
    rc = TS_EXIT_OK;
    goto done;
fail:
    cli_error("%s", cause);
    free(cause);
done:
    for (int i = 0; i < nout; i++) /* not written: the files stay as they were */
        mo_abort(outs[i]);
    mf_close(&mf);
    return rc;
}
