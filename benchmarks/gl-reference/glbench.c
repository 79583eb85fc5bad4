/* glbench: draws Photophore's two synthetic benchmark workloads (spheres, glow)
 * through OpenGL on Mesa's llvmpipe via OSMesa, for speed and image comparison.
 * See README.md for usage. */
#define GL_GLEXT_PROTOTYPES 1
#include <GL/osmesa.h>
#include <GL/gl.h>
#include <GL/glext.h>
#include <png.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---------- options ---------- */

typedef struct {
    int spheres;             /* 1 = spheres, 0 = glow */
    int w, h, frames;
    int gx, gy, sx, sy;      /* spheres */
    int count;               /* glow */
    float pmin, pmax;        /* glow particle size range, pixels */
    const char *output;
    int json;
    int samples;             /* 1 = the default framebuffer; 2, 4, 8 = a multisampled FBO, resolved */
} Options;

static void usage_error(const char *msg, const char *arg) {
    if (arg) fprintf(stderr, "glbench: %s: %s\n", msg, arg);
    else fprintf(stderr, "glbench: %s\n", msg);
    exit(2);
}

/* Parses an int >= min that must fill the whole string. */
static int parse_int_min(const char *s, int *out, long min) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < min || v > 1000000000) return 0;
    *out = (int)v;
    return 1;
}
static int parse_int(const char *s, int *out) { return parse_int_min(s, out, 1); }

/* Parses "AxB" (both positive ints). */
static int parse_pair(const char *s, int *a, int *b) {
    char buf[64];
    const char *x = strchr(s, 'x');
    if (!x || (size_t)(x - s) >= sizeof buf) return 0;
    memcpy(buf, s, (size_t)(x - s));
    buf[x - s] = 0;
    return parse_int(buf, a) && parse_int(x + 1, b);
}

/* Parses "MIN..MAX" (positive numbers, MIN <= MAX). */
static int parse_range(const char *s, float *lo, float *hi) {
    char buf[64], *end;
    const char *dots = strstr(s, "..");
    if (!dots || (size_t)(dots - s) >= sizeof buf) return 0;
    memcpy(buf, s, (size_t)(dots - s));
    buf[dots - s] = 0;
    *lo = strtof(buf, &end);
    if (end == buf || *end) return 0;
    *hi = strtof(dots + 2, &end);
    if (end == dots + 2 || *end) return 0;
    return *lo > 0 && *hi >= *lo && isfinite(*hi);
}

static Options parse_args(int argc, char **argv) {
    Options o = {1, 1280, 720, 60, 8, 4, 64, 32, 10000, 8, 48, NULL, 0, 1};
    if (argc < 2) usage_error("usage: glbench spheres|glow [--size WxH] [--frames N] [--grid GXxGY] "
                              "[--segments SXxSY] [--count N] [--particle-size MIN..MAX] "
                              "[--samples 1|2|4|8] [--output FILE.png] [--json]", NULL);
    if (!strcmp(argv[1], "spheres")) o.spheres = 1;
    else if (!strcmp(argv[1], "glow")) o.spheres = 0;
    else usage_error("unknown workload (expected spheres or glow)", argv[1]);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--json")) { o.json = 1; continue; }
        if (strncmp(a, "--", 2)) usage_error("unexpected argument", a);
        if (i + 1 >= argc) usage_error("missing value for", a);
        const char *v = argv[++i];
        int ok = 1;
        if (!strcmp(a, "--size")) ok = parse_pair(v, &o.w, &o.h);
        else if (!strcmp(a, "--frames")) ok = parse_int(v, &o.frames);
        else if (!strcmp(a, "--grid")) ok = parse_pair(v, &o.gx, &o.gy);
        else if (!strcmp(a, "--segments")) ok = parse_pair(v, &o.sx, &o.sy);
        else if (!strcmp(a, "--count")) ok = parse_int_min(v, &o.count, 0);
        else if (!strcmp(a, "--particle-size")) ok = parse_range(v, &o.pmin, &o.pmax);
        else if (!strcmp(a, "--samples")) {
            ok = parse_int(v, &o.samples) &&
                 (o.samples == 1 || o.samples == 2 || o.samples == 4 || o.samples == 8);
            if (!ok) {
                fprintf(stderr, "glbench: bad value for --samples: %s (expected 1, 2, 4 or 8)\n", v);
                exit(2);
            }
        }
        else if (!strcmp(a, "--output")) o.output = v;
        else usage_error("unknown option", a);
        if (!ok) {
            fprintf(stderr, "glbench: bad value for %s: %s\n", a, v);
            exit(2);
        }
    }
    if (o.w > 16384 || o.h > 16384) usage_error("size too large (max 16384x16384)", NULL);
    if ((double)o.gx * o.gy * (o.sx + 1) * (o.sy + 1) > 2e8 ||
        (double)o.gx * o.gy * o.sx * o.sy * 6 > 2e9)
        usage_error("spheres mesh too large", NULL);
    if (o.count > 50000000) usage_error("count too large", NULL);
    return o;
}

/* ---------- GL helpers ---------- */

static GLuint compile(GLenum type, const char *src) {
    GLuint s = glCreateShader(type);
    glShaderSource(s, 1, &src, NULL);
    glCompileShader(s);
    GLint ok;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[2048];
        glGetShaderInfoLog(s, sizeof log, NULL, log);
        fprintf(stderr, "glbench: shader compile failed: %s\n", log);
        exit(1);
    }
    return s;
}

static GLuint link_program(const char *vs, const char *fs) {
    GLuint p = glCreateProgram();
    glAttachShader(p, compile(GL_VERTEX_SHADER, vs));
    glAttachShader(p, compile(GL_FRAGMENT_SHADER, fs));
    glLinkProgram(p);
    GLint ok;
    glGetProgramiv(p, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[2048];
        glGetProgramInfoLog(p, sizeof log, NULL, log);
        fprintf(stderr, "glbench: program link failed: %s\n", log);
        exit(1);
    }
    glUseProgram(p);
    return p;
}

/* Uploads a static float vertex buffer and wires attribute `loc` (n floats)
 * at byte `offset` within records of `stride` bytes. */
static void attrib(GLint loc, int n, size_t stride, size_t offset) {
    glEnableVertexAttribArray((GLuint)loc);
    glVertexAttribPointer((GLuint)loc, n, GL_FLOAT, GL_FALSE, (GLsizei)stride, (const void *)offset);
}

/* ---------- spheres ---------- */

static const char *SPHERES_VS =
    "#version 330 core\n"
    "in vec3 a_pos;\n"        /* model-space position (centre + normal) */
    "in vec3 a_nrm;\n"
    "uniform vec2 u_cs;\n"    /* (cos a, sin a) of the frame's rotation */
    "uniform mat4 u_proj;\n"
    "uniform vec3 u_light;\n" /* normalized light direction */
    "centroid out vec3 v_col;\n"
    "vec3 rot(vec3 p) { return vec3(u_cs.x * p.x + u_cs.y * p.z, p.y, -u_cs.y * p.x + u_cs.x * p.z); }\n"
    "void main() {\n"
    "  vec3 p = rot(a_pos) + vec3(0.0, 0.0, -12.0);\n"
    "  vec3 n = rot(a_nrm);\n"
    "  v_col = vec3(0.1, 0.15, 0.2) + max(dot(n, u_light), 0.0) * vec3(0.3, 0.8, 0.9);\n"
    "  gl_Position = u_proj * vec4(p, 1.0);\n"
    "}\n";

static const char *SPHERES_FS =
    "#version 330 core\n"
    "centroid in vec3 v_col;\n"
    "out vec4 o_col;\n"
    "void main() { o_col = vec4(v_col, 1.0); }\n";

/* pi as Swift's Float.pi (rounded toward zero, 1 ulp below (float)M_PI), so the
 * mesh matches Photophore's bit for bit. */
#define PI_F 0x1.921fb4p1f

typedef struct { GLint cs; GLsizei index_count; } SpheresState;

static SpheresState setup_spheres(const Options *o) {
    const int GX = o->gx, GY = o->gy, SX = o->sx, SY = o->sy;
    const size_t per_sphere = (size_t)(SX + 1) * (SY + 1);
    const size_t nverts = per_sphere * GX * GY;
    const size_t nidx = (size_t)GX * GY * SX * SY * 6;
    float *v = malloc(nverts * 6 * sizeof(float));   /* pos.xyz, nrm.xyz */
    uint32_t *idx = malloc(nidx * sizeof(uint32_t));
    if (!v || !idx) { fprintf(stderr, "glbench: out of memory\n"); exit(1); }

    float *pv = v;
    uint32_t *pi = idx;
    for (int gy = 0; gy < GY; gy++)
        for (int gx = 0; gx < GX; gx++) {          /* sphere index = gy*GX + gx */
            const float cx = ((float)gx - (float)(GX - 1) / 2.0f) * 2.2f;
            const float cy = ((float)gy - (float)(GY - 1) / 2.0f) * 2.2f;
            const uint32_t base = (uint32_t)((size_t)(gy * GX + gx) * per_sphere);
            for (int i = 0; i <= SX; i++)           /* vertex index = i*(SY+1) + j */
                for (int j = 0; j <= SY; j++) {
                    const float th = (float)i * 2.0f * PI_F / (float)SX;
                    const float ph = (float)j * PI_F / (float)SY;
                    const float nx = sinf(ph) * cosf(th), ny = cosf(ph), nz = sinf(ph) * sinf(th);
                    *pv++ = cx + nx; *pv++ = cy + ny; *pv++ = 0.0f + nz;
                    *pv++ = nx; *pv++ = ny; *pv++ = nz;
                }
            for (int i = 0; i < SX; i++)
                for (int j = 0; j < SY; j++) {
                    const uint32_t a = base + (uint32_t)(i * (SY + 1) + j);       /* (i, j)     */
                    const uint32_t b = base + (uint32_t)((i + 1) * (SY + 1) + j); /* (i+1, j)   */
                    const uint32_t c = b + 1, d = a + 1;                          /* (i+1, j+1), (i, j+1) */
                    *pi++ = a; *pi++ = b; *pi++ = c;
                    *pi++ = a; *pi++ = c; *pi++ = d;
                }
        }

    GLuint prog = link_program(SPHERES_VS, SPHERES_FS);
    GLuint vbo, ibo;
    glGenBuffers(1, &vbo);
    glBindBuffer(GL_ARRAY_BUFFER, vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(nverts * 6 * sizeof(float)), v, GL_STATIC_DRAW);
    glGenBuffers(1, &ibo);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, ibo);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)(nidx * sizeof(uint32_t)), idx, GL_STATIC_DRAW);
    attrib(glGetAttribLocation(prog, "a_pos"), 3, 6 * sizeof(float), 0);
    attrib(glGetAttribLocation(prog, "a_nrm"), 3, 6 * sizeof(float), 3 * sizeof(float));
    free(v);
    free(idx);

    /* gluPerspective(fovy = 1 rad, W/H, 0.5, 50), column-major. */
    const float n = 0.5f, f = 50.0f, t = 1.0f / tanf(0.5f);
    const float aspect = (float)o->w / (float)o->h;
    const float proj[16] = {
        t / aspect, 0, 0, 0,
        0, t, 0, 0,
        0, 0, (f + n) / (n - f), -1,
        0, 0, 2 * f * n / (n - f), 0,
    };
    glUniformMatrix4fv(glGetUniformLocation(prog, "u_proj"), 1, GL_FALSE, proj);
    const float lx = 0.4f, ly = 0.7f, lz = 0.6f, ll = sqrtf(lx * lx + ly * ly + lz * lz);
    glUniform3f(glGetUniformLocation(prog, "u_light"), lx / ll, ly / ll, lz / ll);

    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LESS);
    glDepthMask(GL_TRUE);
    glDisable(GL_BLEND);
    SpheresState s = {glGetUniformLocation(prog, "u_cs"), (GLsizei)nidx};
    return s;
}

static void draw_spheres(const SpheresState *s, int frame) {
    const float a = 0.01f * (float)frame;
    glUniform2f(s->cs, cosf(a), sinf(a));
    glDrawElements(GL_TRIANGLES, s->index_count, GL_UNSIGNED_INT, 0);
}

/* ---------- glow ---------- */

static const char *GLOW_VS =
    "#version 330 core\n"
    "in vec2 a_pos;\n"      /* NDC corner */
    "in vec2 a_uv;\n"       /* (+-1, +-1) */
    "in float a_b;\n"       /* brightness */
    "smooth out vec2 v_uv;\n"
    "flat out float v_b;\n"
    "void main() { v_uv = a_uv; v_b = a_b; gl_Position = vec4(a_pos, 0.0, 1.0); }\n";

static const char *GLOW_FS =
    "#version 330 core\n"
    "smooth in vec2 v_uv;\n"
    "flat in float v_b;\n"
    "out vec4 o_col;\n"
    "void main() {\n"
    "  float k = max(1.0 - dot(v_uv, v_uv), 0.0);\n"
    "  o_col = vec4(vec3(0.2, 0.6, 1.0) * v_b * (k * k), 1.0);\n"
    "}\n";

static uint32_t rng_state;
static float rng(void) {
    rng_state = rng_state * 1664525u + 1013904223u;
    return (float)(rng_state >> 8) / 16777216.0f;
}

static GLsizei setup_glow(const Options *o) {
    static const float corners[6][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, -1}, {1, 1}, {-1, 1}};
    const size_t nverts = (size_t)o->count * 6;
    float *v = malloc(nverts * 5 * sizeof(float) + 1);   /* pos.xy, uv.xy, b */
    if (!v) { fprintf(stderr, "glbench: out of memory\n"); exit(1); }
    const float W = (float)o->w, H = (float)o->h;
    float *p = v;
    rng_state = 12345u;
    for (int k = 0; k < o->count; k++) {
        const float x = 2.0f * rng() - 1.0f;
        const float y = 2.0f * rng() - 1.0f;
        const float e = (o->pmin + (o->pmax - o->pmin) * rng()) / H;
        const float b = 0.2f + 0.8f * rng();
        const float hx = e * H / W, hy = e;
        for (int c = 0; c < 6; c++) {
            const float u = corners[c][0], w = corners[c][1];
            *p++ = x + u * hx; *p++ = y + w * hy;
            *p++ = u; *p++ = w;
            *p++ = b;
        }
    }
    GLuint prog = link_program(GLOW_VS, GLOW_FS);
    GLuint vbo;
    glGenBuffers(1, &vbo);
    glBindBuffer(GL_ARRAY_BUFFER, vbo);
    glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(nverts * 5 * sizeof(float)), v, GL_STATIC_DRAW);
    attrib(glGetAttribLocation(prog, "a_pos"), 2, 5 * sizeof(float), 0);
    attrib(glGetAttribLocation(prog, "a_uv"), 2, 5 * sizeof(float), 2 * sizeof(float));
    attrib(glGetAttribLocation(prog, "a_b"), 1, 5 * sizeof(float), 4 * sizeof(float));
    free(v);

    glDisable(GL_DEPTH_TEST);
    glEnable(GL_BLEND);
    glBlendFunc(GL_ONE, GL_ONE);
    return (GLsizei)nverts;
}

/* ---------- multisampling ---------- */

/* Makes a complete FBO with o->samples samples (RGBA8 colour, as the default
 * framebuffer, and 24-bit depth) and binds it; exits if the renderer cannot
 * give exactly that many samples. */
static GLuint setup_msaa(const Options *o) {
    GLint max_samples = 0;
    glGetIntegerv(GL_MAX_SAMPLES, &max_samples);
    if (o->samples > max_samples) {
        fprintf(stderr, "glbench: --samples %d is not supported by %s (GL_MAX_SAMPLES = %d)\n",
                o->samples, (const char *)glGetString(GL_RENDERER), max_samples);
        exit(1);
    }
    GLuint rb[2], fbo;
    glGenRenderbuffers(2, rb);
    glBindRenderbuffer(GL_RENDERBUFFER, rb[0]);
    glRenderbufferStorageMultisample(GL_RENDERBUFFER, o->samples, GL_RGBA8, o->w, o->h);
    /* GL may round the count up (llvmpipe gives 4 for 2); the comparison needs it exact. */
    GLint got = 0;
    glGetRenderbufferParameteriv(GL_RENDERBUFFER, GL_RENDERBUFFER_SAMPLES, &got);
    if (got != o->samples) {
        fprintf(stderr, "glbench: --samples %d is not supported by %s: it gives %d samples for it "
                "(GL_MAX_SAMPLES = %d)\n", o->samples, (const char *)glGetString(GL_RENDERER), got, max_samples);
        exit(1);
    }
    glBindRenderbuffer(GL_RENDERBUFFER, rb[1]);
    glRenderbufferStorageMultisample(GL_RENDERBUFFER, o->samples, GL_DEPTH_COMPONENT24, o->w, o->h);
    glGenFramebuffers(1, &fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, rb[0]);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, rb[1]);
    const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    if (status != GL_FRAMEBUFFER_COMPLETE) {
        fprintf(stderr, "glbench: the %d-sample framebuffer is incomplete (0x%04x)\n", o->samples, status);
        exit(1);
    }
    GLint fb_samples = 0;
    glGetIntegerv(GL_SAMPLES, &fb_samples);
    if (fb_samples != o->samples) {
        fprintf(stderr, "glbench: asked for %d samples, the framebuffer has %d\n", o->samples, fb_samples);
        exit(1);
    }
    glEnable(GL_MULTISAMPLE);
    return fbo;
}

/* Prints the bound draw framebuffer's sample positions: GL's convention, in
 * [0, 1] from the bottom-left corner of the pixel, y up. */
static void print_sample_positions(int samples) {
    fprintf(stderr, "glbench: sample positions (x, y in the pixel, origin bottom-left, y up):");
    for (int i = 0; i < samples; i++) {
        GLfloat p[2] = {0, 0};
        glGetMultisamplefv(GL_SAMPLE_POSITION, (GLuint)i, p);
        fprintf(stderr, " (%g, %g)", p[0], p[1]);
    }
    fprintf(stderr, "\n");
}

/* ---------- timing, output ---------- */

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double percentile(const double *sorted, int n, double p) {
    int rank = (int)ceil(p / 100.0 * n);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

static int write_png(const char *path, const unsigned char *rgba, int w, int h, int y_up) {
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGBA;
    /* A negative stride tells libpng the buffer's first row is the bottom one. */
    const png_int_32 stride = (png_int_32)(w * 4) * (y_up ? -1 : 1);
    if (!png_image_write_to_file(&img, path, 0, rgba, stride, NULL)) {
        fprintf(stderr, "glbench: writing %s failed: %s\n", path, img.message);
        return 0;
    }
    return 1;
}

/* llvmpipe's thread count: LP_NUM_THREADS, else the online CPU count. */
static int thread_count(void) {
    const char *env = getenv("LP_NUM_THREADS");
    int n;
    if (env && *env && parse_int(env, &n)) return n;
    if (env && !strcmp(env, "0")) return 0;
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c > 0 ? (int)c : 1;
}

int main(int argc, char **argv) {
    const Options o = parse_args(argc, argv);

    /* Core 3.3 context, 24-bit depth, no stencil/accum. */
    const int attribs[] = {
        OSMESA_FORMAT, OSMESA_RGBA,
        OSMESA_DEPTH_BITS, 24, OSMESA_STENCIL_BITS, 0, OSMESA_ACCUM_BITS, 0,
        OSMESA_PROFILE, OSMESA_CORE_PROFILE,
        OSMESA_CONTEXT_MAJOR_VERSION, 3, OSMESA_CONTEXT_MINOR_VERSION, 3,
        0,
    };
    OSMesaContext ctx = OSMesaCreateContextAttribs(attribs, NULL);
    if (!ctx) { fprintf(stderr, "glbench: OSMesaCreateContextAttribs failed\n"); return 1; }
    unsigned char *fb = malloc((size_t)o.w * o.h * 4);
    if (!fb) { fprintf(stderr, "glbench: out of memory\n"); return 1; }
    if (!OSMesaMakeCurrent(ctx, fb, GL_UNSIGNED_BYTE, o.w, o.h)) {
        fprintf(stderr, "glbench: OSMesaMakeCurrent failed\n");
        return 1;
    }
    GLint y_up = 1;
    OSMesaGetIntegerv(OSMESA_Y_UP, &y_up);   /* default 1: first row in fb is the bottom */
    const int threads = thread_count();
    /* With --samples > 1 everything is drawn into this FBO, resolved into the default one. */
    const GLuint msaa_fbo = o.samples > 1 ? setup_msaa(&o) : 0;
    fprintf(stderr, "glbench: GL_RENDERER = %s, GL_VERSION = %s, threads = %d%s, samples = %d\n",
            (const char *)glGetString(GL_RENDERER), (const char *)glGetString(GL_VERSION), threads,
            getenv("LP_NUM_THREADS") ? " (LP_NUM_THREADS)" : " (online CPUs; LP_NUM_THREADS unset)",
            o.samples);
    if (o.samples > 1) print_sample_positions(o.samples);

    GLuint vao;
    glGenVertexArrays(1, &vao);
    glBindVertexArray(vao);
    glViewport(0, 0, o.w, o.h);
    glDisable(GL_DITHER);
    glDisable(GL_CULL_FACE);
    glClearColor(0.01f, 0.02f, 0.05f, 1.0f);
    glClearDepth(1.0);

    SpheresState sph = {0, 0};
    GLsizei glow_verts = 0;
    if (o.spheres) sph = setup_spheres(&o);
    else glow_verts = setup_glow(&o);
    glFinish();

    double *ms = malloc(sizeof(double) * (size_t)o.frames);
    if (!ms) { fprintf(stderr, "glbench: out of memory\n"); return 1; }
    for (int f = 0; f < o.frames; f++) {
        const double t0 = now_ms();
        if (msaa_fbo) glBindFramebuffer(GL_DRAW_FRAMEBUFFER, msaa_fbo);
        glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
        if (o.spheres) draw_spheres(&sph, f);
        else glDrawArrays(GL_TRIANGLES, 0, glow_verts);
        if (msaa_fbo) {   /* the resolve is part of the frame */
            glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
            glBlitFramebuffer(0, 0, o.w, o.h, 0, 0, o.w, o.h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
        }
        /* OSMesa copies the frame into fb here, only if the default framebuffer
         * is the draw framebuffer (hence the resolve leaves it bound). */
        glFinish();
        ms[f] = now_ms() - t0;
    }
    GLenum err = glGetError();
    if (err != GL_NO_ERROR) { fprintf(stderr, "glbench: GL error 0x%04x\n", err); return 1; }

    if (o.output && !write_png(o.output, fb, o.w, o.h, y_up)) return 1;

    /* Percentiles over frames after the first 3 (all frames when fewer than 4). */
    const int skip = o.frames >= 4 ? 3 : 0, n = o.frames - skip;
    qsort(ms + skip, (size_t)n, sizeof(double), cmp_double);
    const double *s = ms + skip;
    const double p50 = percentile(s, n, 50), p95 = percentile(s, n, 95);
    const double p99 = percentile(s, n, 99), mx = s[n - 1];
    const char *name = o.spheres ? "spheres" : "glow";
    if (o.json)
        printf("{\"workload\": \"%s\", \"width\": %d, \"height\": %d, \"threads\": %d, \"samples\": %d, "
               "\"frames\": %d, \"frame_ms\": {\"p50\": %.3f, \"p95\": %.3f, \"p99\": %.3f, \"max\": %.3f}}\n",
               name, o.w, o.h, threads, o.samples, o.frames, p50, p95, p99, mx);
    else
        printf("%s %dx%d, %d threads, %d samples, %d frames (%d timed): p50 %.3f ms, p95 %.3f ms, "
               "p99 %.3f ms, max %.3f ms\n",
               name, o.w, o.h, threads, o.samples, o.frames, n, p50, p95, p99, mx);

    free(ms);
    OSMesaDestroyContext(ctx);
    free(fb);
    return 0;
}
