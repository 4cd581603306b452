#include "toolstack_script.h"

#include "buf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

namespace ts {
namespace {

constexpr unsigned kMaxTokens = 16;
constexpr unsigned kMaxDepth = 4;

struct Tok {
    char text[192];
};

void fail(Error* e, unsigned line, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
void fail(Error* e, unsigned line, const char* fmt, ...) {
    e->line = line;
    va_list ap;
    va_start(ap, fmt);
    // No vsnprintf in every environment this builds for: a tiny %s/%u/%lu formatter.
    char* o = e->msg;
    char* end = e->msg + sizeof e->msg - 1;
    for (const char* f = fmt; *f && o < end; ++f) {
        if (*f != '%') {
            *o++ = *f;
            continue;
        }
        ++f;
        bool lng = false;
        if (*f == 'l') {
            lng = true;
            ++f;
        }
        if (*f == 's') {
            for (const char* s = va_arg(ap, const char*); *s && o < end; ++s)
                *o++ = *s;
        } else if (*f == 'u') {
            uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            char tmp[24];
            int n = 0;
            do {
                tmp[n++] = char('0' + v % 10);
                v /= 10;
            } while (v);
            while (n && o < end)
                *o++ = tmp[--n];
        }
    }
    *o = 0;
    va_end(ap);
}

// Splits a line into tokens; "..." groups words (the quotes are dropped). Returns the
// count, or -1 for an unterminated quote.
int tokenize(const char* s, size_t n, Tok* toks, unsigned max) {
    unsigned count = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
            ++i;
        if (i >= n || s[i] == '#') break;
        if (count == max) return -2;
        size_t o = 0;
        bool quoted = false;
        while (i < n && (quoted || (s[i] != ' ' && s[i] != '\t' && s[i] != '\r'))) {
            if (s[i] == '"') {
                quoted = !quoted;
                ++i;
                continue;
            }
            if (o + 1 < sizeof toks[count].text) toks[count].text[o++] = s[i];
            ++i;
        }
        if (quoted) return -1;
        toks[count].text[o] = 0;
        ++count;
    }
    return int(count);
}

bool valid_name(const char* s) {
    size_t n = strlen(s);
    if (n == 0 || n >= 32) return false;
    for (; *s; ++s)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return false;
    return true;
}

bool copy(char* dst, size_t cap, const char* src) {
    const size_t n = strlen(src);
    if (n >= cap) return false;
    memcpy(dst, src, n + 1);
    return true;
}

struct Verb {
    const char* word;
    Op op;
};
const Verb kVerbs[] = {{"create", Op::Create},     {"list", Op::List},
                       {"pause", Op::Pause},       {"unpause", Op::Unpause},
                       {"destroy", Op::Destroy},   {"sleep", Op::Sleep},
                       {"wait-key", Op::WaitKey},  {"wait-shutdown", Op::WaitShutdown},
                       {"progress", Op::Progress}, {"mem", Op::Mem},
                       {"echo", Op::Echo},         {"shutdown", Op::Shutdown}};

bool parse_create(const Tok* t, int n, Command& c, Error* e, unsigned line) {
    bool have_name = false, have_kernel = false, have_mem = false;
    for (int i = 1; i < n; ++i) {
        const char* eq = strchr(t[i].text, '=');
        if (!eq) {
            fail(e, line, "create: expected key=value, got '%s'", t[i].text);
            return false;
        }
        const size_t klen = size_t(eq - t[i].text);
        const char* v = eq + 1;
        auto key = [&](const char* k) {
            return strlen(k) == klen && strncmp(t[i].text, k, klen) == 0;
        };
        if (key("name")) {
            if (!valid_name(v)) {
                fail(e, line, "create: bad name '%s' (letters, digits, - and _)", v);
                return false;
            }
            copy(c.name, sizeof c.name, v);
            have_name = true;
        } else if (key("kernel")) {
            if (!*v || !copy(c.kernel, sizeof c.kernel, v)) {
                fail(e, line, "create: bad kernel '%s'", v);
                return false;
            }
            have_kernel = true;
        } else if (key("memory")) {
            if (!proto::parse_uint(v, &c.memory_mib) || c.memory_mib == 0 ||
                c.memory_mib > kMaxMemoryMib) {
                fail(e, line, "create: memory must be 1..%lu MiB, got '%s'", kMaxMemoryMib, v);
                return false;
            }
            have_mem = true;
        } else if (key("vcpus")) {
            uint64_t x;
            if (!proto::parse_uint(v, &x) || x == 0 || x > kMaxVcpus) {
                fail(e, line, "create: vcpus must be 1..%u, got '%s'", kMaxVcpus, v);
                return false;
            }
            c.vcpus = uint32_t(x);
        } else if (key("args")) {
            if (!copy(c.args, sizeof c.args, v)) {
                fail(e, line, "create: args too long");
                return false;
            }
        } else {
            fail(e, line, "create: unknown key '%s'", t[i].text);
            return false;
        }
    }
    if (!have_name || !have_kernel || !have_mem) {
        fail(e, line, "create needs name=, kernel= and memory=");
        return false;
    }
    return true;
}

bool parse_ms(const char* s, uint64_t* ms, Error* e, unsigned line) {
    if (!proto::parse_uint(s, ms) || *ms > 600000) {
        fail(e, line, "bad time '%s' (milliseconds, at most 600000)", s);
        return false;
    }
    return true;
}

bool parse_command(const Tok* t, int n, Command& c, Error* e, unsigned line) {
    const Verb* v = nullptr;
    for (const Verb& x : kVerbs)
        if (strcmp(t[0].text, x.word) == 0) v = &x;
    if (!v) {
        fail(e, line, "unknown command '%s'", t[0].text);
        return false;
    }
    c = Command{};
    c.op = v->op;
    c.line = line;
    auto argc = [&](int lo, int hi) {
        if (n - 1 < lo || n - 1 > hi) {
            fail(e, line, "%s: wrong number of arguments", v->word);
            return false;
        }
        return true;
    };
    auto name = [&](const char* s) {
        if (!valid_name(s)) {
            fail(e, line, "%s: bad domain name '%s'", v->word, s);
            return false;
        }
        return copy(c.name, sizeof c.name, s);
    };
    switch (v->op) {
    case Op::Create:
        return parse_create(t, n, c, e, line);
    case Op::List:
    case Op::Mem:
    case Op::Shutdown:
        return argc(0, 0);
    case Op::Pause:
    case Op::Unpause:
    case Op::Destroy:
        return argc(1, 1) && name(t[1].text);
    case Op::Sleep:
        return argc(1, 1) && parse_ms(t[1].text, &c.ms, e, line);
    case Op::WaitShutdown:
        c.ms = 10000;
        return argc(1, 2) && name(t[1].text) && (n < 3 || parse_ms(t[2].text, &c.ms, e, line));
    case Op::WaitKey:
    case Op::Progress:
        c.ms = v->op == Op::WaitKey ? 10000 : 300;
        if (!argc(2, 3) || !name(t[1].text)) return false;
        if (!copy(c.key, sizeof c.key, t[2].text) || t[2].text[0] == '/') {
            fail(e, line, "%s: bad key '%s' (relative to the domain's home)", v->word, t[2].text);
            return false;
        }
        return n < 4 || parse_ms(t[3].text, &c.ms, e, line);
    case Op::Echo: {
        size_t o = 0;
        for (int i = 1; i < n; ++i) {
            const size_t k = strlen(t[i].text);
            if (o + k + 2 >= sizeof c.text) break;
            if (i > 1) c.text[o++] = ' ';
            memcpy(c.text + o, t[i].text, k);
            o += k;
        }
        c.text[o] = 0;
        return true;
    }
    }
    return false;
}

} // namespace

const char* op_name(Op op) {
    for (const Verb& v : kVerbs)
        if (v.op == op) return v.word;
    return "?";
}

void release(Script* s) {
    ::free(s->cmds);
    s->cmds = nullptr;
    s->n = 0;
}

bool parse(const char* text, size_t len, Script* out, Error* err) {
    *err = Error{};
    out->n = 0;
    out->cmds = static_cast<Command*>(::malloc(kMaxCommands * sizeof(Command)));
    if (!out->cmds) {
        fail(err, 0, "out of memory");
        return false;
    }
    struct Block {
        uint64_t count;
        unsigned start;
        unsigned line;
    } stack[kMaxDepth];
    unsigned depth = 0;
    unsigned line = 0;
    size_t pos = 0;
    while (pos < len) {
        ++line;
        size_t eol = pos;
        while (eol < len && text[eol] != '\n')
            ++eol;
        Tok toks[kMaxTokens];
        const int n = tokenize(text + pos, eol - pos, toks, kMaxTokens);
        pos = eol + 1;
        if (n == -1) {
            fail(err, line, "unterminated quote");
            release(out);
            return false;
        }
        if (n == -2) {
            fail(err, line, "too many words");
            release(out);
            return false;
        }
        if (n == 0) continue;
        if (strcmp(toks[0].text, "repeat") == 0) {
            uint64_t count;
            if (n != 2 || !proto::parse_uint(toks[1].text, &count) || count == 0 || count > 1000) {
                fail(err, line, "repeat needs a count of 1..1000");
                release(out);
                return false;
            }
            if (depth == kMaxDepth) {
                fail(err, line, "repeat nested too deep");
                release(out);
                return false;
            }
            stack[depth++] = {count, out->n, line};
            continue;
        }
        if (strcmp(toks[0].text, "end") == 0) {
            if (n != 1 || depth == 0) {
                fail(err, line, "'end' without 'repeat'");
                release(out);
                return false;
            }
            const Block b = stack[--depth];
            const unsigned body = out->n - b.start;
            if (uint64_t(body) * (b.count - 1) + out->n > kMaxCommands) {
                fail(err, b.line, "the script expands to more than %u commands", kMaxCommands);
                release(out);
                return false;
            }
            for (uint64_t r = 1; r < b.count; ++r)
                for (unsigned i = 0; i < body; ++i)
                    out->cmds[out->n++] = out->cmds[b.start + i];
            continue;
        }
        if (out->n == kMaxCommands) {
            fail(err, line, "more than %u commands", kMaxCommands);
            release(out);
            return false;
        }
        if (!parse_command(toks, n, out->cmds[out->n], err, line)) {
            release(out);
            return false;
        }
        ++out->n;
    }
    if (depth) {
        fail(err, stack[depth - 1].line, "'repeat' without 'end'");
        release(out);
        return false;
    }
    return true;
}

} // namespace ts
