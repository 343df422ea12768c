/*
 * pipe.h - internal layout of the pipeline model (sr_pipelines) and of a
 * scenario with its solution (sr_pipeflow).  load.c reads the files of
 * DIR/pipelines/ and scenario text, flow.c builds the flow problem,
 * solves it with mcf.c and writes JSON and GeoJSON.
 */
#ifndef SR_PIPELINE_PIPE_H
#define SR_PIPELINE_PIPE_H

#include "silkroute.h"
#include "core/util.h"

/* Limits: a pipeline dataset is small; these bound memory and work. */
#define SR__PIPE_MAX_ROWS 10000      /* rows per file */
#define SR__PIPE_MAX_VALUE 1e6       /* any volume or capacity, system unit per year */
#define SR__PIPE_MAX_SCN_LINES 10000 /* lines per scenario file */
#define SR__PIPE_MAX_SCN_BYTES (1u << 20)

/* The files of DIR/pipelines/, in load order (see docs/DATA.md). */
enum {
    SR__PF_SYSTEMS = 0,
    SR__PF_NODES,
    SR__PF_SEGMENTS,
    SR__PF_SUPPLIES,
    SR__PF_OFFTAKES,
    SR__PF_DELIVERIES,
    SR__PF_OBSERVATIONS,
    SR__PF_COUNT
};
extern const char *const sr__pipe_file_names[SR__PF_COUNT];

struct sr_pipelines {
    sr__arena arena;
    char *dir;
    sr_pipe_system *sys;
    size_t n_sys;
    sr_pipe_node *nodes;
    size_t n_nodes;
    sr_pipe_segment *segs;
    size_t n_segs;
    sr_pipe_supply *sups;
    size_t n_sups;
    sr_pipe_point *offs;
    size_t n_offs;
    sr_pipe_point *dels;
    size_t n_dels;
    sr_pipe_observation *obs;
    size_t n_obs;
    char errmsg[1024];
};

/* An offtake of a scenario: the base rows plus those a scenario adds. */
typedef struct sr__pipe_off {
    char id[64];
    char country[3];
    size_t node;
    double volume;
} sr__pipe_off;

struct sr_pipeflow {
    const sr_pipelines *p;
    int year;
    unsigned char *seg_state; /* 0 as data, 1 opened, 2 closed */
    double *seg_cap;          /* NaN: the data's capacity */
    double *seg_derate;       /* fraction kept, 1 by default */
    unsigned char *node_closed;
    double *sup_vol;          /* NaN: the data's volume */
    double sup_scale;
    sr__pipe_off *offs;
    size_t n_offs, cap_offs;
    /* solution */
    int solved;
    double *seg_flow, *sup_served, *del_served, *off_served;
    char errmsg[1024];
};

/* Load the model from DIR/pipelines/ (sources from DIR/sources.csv).  Every
 * problem goes to report (when not NULL) as "pipelines/FILE:LINE: field:
 * message"; the first one is kept in p->errmsg.  Returns the number of
 * errors, or -1 when out of memory. */
long sr__pipe_load_dir(sr_pipelines *p, const char *dir, sr_report_fn report, void *ctx);
/* The same from buffers: bufs[k] and lens[k] hold file k (NULL: absent),
 * sources the text of sources.csv (NULL: source ids are not checked). */
long sr__pipe_load_bufs(sr_pipelines *p, const char *const bufs[SR__PF_COUNT], const size_t lens[SR__PF_COUNT],
                        const char *sources, size_t sources_len, sr_report_fn report, void *ctx);
/* Mark in used[] the ids of sorted ids[] that DIR/pipelines/ files cite, so
 * check-data does not call them uncited.  Best effort, silent. */
void sr__pipe_mark_cited(const char *dir, char *const *ids, size_t n, char *used);
/* Number of errors in DIR/pipelines/ (0 when there is no such folder), each
 * reported; -1 when out of memory. */
long sr__pipe_check(const char *dir, sr_report_fn report, void *ctx);

/* Apply scenario text to f (load.c); SR_OK or SR_EDATA/SR_ELIMIT with
 * f->errmsg "name:line: word: message". */
sr_code sr__pipe_scenario(sr_pipeflow *f, const char *text, size_t len, const char *name);

/* Index of an id in an array of records with a leading `const char *id`;
 * -1 when absent. */
long sr__pipe_find_node(const sr_pipelines *p, const char *id);
long sr__pipe_find_segment(const sr_pipelines *p, const char *id);
long sr__pipe_find_supply(const sr_pipelines *p, const char *id);

#endif
