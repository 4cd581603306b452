#include "xs_store.h"

#include <new>
#include <public/io/xs_wire.h>

namespace xs {

using proto::Buf;

struct Node {
    char* name = nullptr; // this component ("" for the root)
    char* value = nullptr;
    size_t vlen = 0;
    Perms perms;
    Node* parent = nullptr;
    Node* children = nullptr; // in creation order
    Node* next = nullptr;
};

struct Tree {
    Node* root = nullptr;
    size_t count = 0;
};

struct Watch {
    Watch* next;
    int conn;
    domid_t domid;
    char* path; // as the client gave it (events use this form)
    char* abs;  // absolute, or the "@..." special name
    char* token;
};

struct Change {
    Change* next;
    char* path;
    bool recursive;
};

struct Transaction {
    Transaction* next;
    uint32_t id;
    int conn;
    domid_t domid;
    Tree* tree;
    uint64_t base_generation;
    Change* changes;
};

namespace {

constexpr domid_t kPrivileged = 0; // dom0 may do anything

void free_node(Node* n) {
    while (n) {
        Node* next = n->next;
        free_node(n->children);
        ::free(n->name);
        ::free(n->value);
        delete n;
        n = next;
    }
}

Node* new_node(const char* name, size_t len, Node* parent) {
    Node* n = new (std::nothrow) Node;
    if (!n) return nullptr;
    n->name = proto::dup(name, len);
    if (!n->name) {
        delete n;
        return nullptr;
    }
    n->parent = parent;
    if (parent) {
        n->perms = parent->perms;
        Node** p = &parent->children;
        while (*p)
            p = &(*p)->next;
        *p = n;
    }
    return n;
}

Node* clone_node(const Node* src, Node* parent, size_t* count) {
    Node* n = new (std::nothrow) Node;
    if (!n) return nullptr;
    n->name = proto::dup(src->name);
    n->value = src->value ? proto::dup(src->value, src->vlen) : nullptr;
    n->vlen = src->vlen;
    n->perms = src->perms;
    n->parent = parent;
    ++*count;
    if (!n->name || (src->value && !n->value)) {
        free_node(n);
        return nullptr;
    }
    Node** tail = &n->children;
    for (const Node* c = src->children; c; c = c->next) {
        Node* cc = clone_node(c, n, count);
        if (!cc) {
            free_node(n);
            return nullptr;
        }
        *tail = cc;
        tail = &cc->next;
    }
    return n;
}

Tree* new_tree() {
    Tree* t = new (std::nothrow) Tree;
    if (!t) return nullptr;
    t->root = new_node("", 0, nullptr);
    if (!t->root) {
        delete t;
        return nullptr;
    }
    t->root->perms.n = 1;
    t->root->perms.p[0] = {0, 'r'}; // everybody may read "/", only dom0 writes it
    t->count = 1;
    return t;
}

void delete_tree(Tree* t) {
    if (t) {
        free_node(t->root);
        delete t;
    }
}

size_t count_nodes(const Node* n) {
    size_t c = 0;
    for (; n; n = n->next)
        c += 1 + count_nodes(n->children);
    return c;
}

Node* child(const Node* n, const char* name, size_t len) {
    for (Node* c = n->children; c; c = c->next)
        if (strlen(c->name) == len && memcmp(c->name, name, len) == 0) return c;
    return nullptr;
}

// Walks an absolute path; *parent_out gets the deepest existing node, *rest the first
// missing component (or nullptr when the whole path exists).
Node* walk(const Tree* t, const char* abs, Node** parent_out = nullptr,
           const char** rest = nullptr) {
    Node* n = t->root;
    const char* p = abs + 1;
    while (*p) {
        const char* slash = strchr(p, '/');
        const size_t len = slash ? size_t(slash - p) : strlen(p);
        Node* c = child(n, p, len);
        if (!c) {
            if (parent_out) *parent_out = n;
            if (rest) *rest = p;
            return nullptr;
        }
        n = c;
        p += len;
        if (*p == '/') ++p;
    }
    if (parent_out) *parent_out = n->parent;
    if (rest) *rest = nullptr;
    return n;
}

bool mode_allows(char mode, char want) {
    return mode == 'b' || mode == want;
}

bool allowed(domid_t caller, const Node* n, char want) {
    if (caller == kPrivileged) return true;
    const Perms& p = n->perms;
    if (p.p[0].id == caller) return true;
    for (unsigned i = 1; i < p.n; ++i)
        if (p.p[i].id == caller) return mode_allows(p.p[i].mode, want);
    return mode_allows(p.p[0].mode, want);
}

// Xen's is_valid_nodename: alphanumerics and "-/_@", no "//", no trailing '/'.
bool valid_path(const char* abs) {
    const size_t len = strlen(abs);
    if (len == 0 || abs[0] != '/' || len > XENSTORE_ABS_PATH_MAX) return false;
    if (len > 1 && abs[len - 1] == '/') return false;
    for (size_t i = 0; i < len; ++i) {
        const char c = abs[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' || c == '@';
        if (!ok || (c == '/' && i > 0 && abs[i - 1] == '/')) return false;
    }
    return true;
}

// a is b or an ancestor of b.
bool is_ancestor_or_self(const char* a, const char* b) {
    const size_t la = strlen(a);
    if (la == 1 && a[0] == '/') return b[0] == '/';
    return strncmp(a, b, la) == 0 && (b[la] == 0 || b[la] == '/');
}

} // namespace

const char* err_name(Err e) {
    switch (e) {
    case Err::Ok:
        return "OK";
    case Err::Inval:
        return "EINVAL";
    case Err::Acces:
        return "EACCES";
    case Err::Exist:
        return "EEXIST";
    case Err::Isdir:
        return "EISDIR";
    case Err::Noent:
        return "ENOENT";
    case Err::Nomem:
        return "ENOMEM";
    case Err::Nospc:
        return "ENOSPC";
    case Err::Io:
        return "EIO";
    case Err::Notempty:
        return "ENOTEMPTY";
    case Err::Nosys:
        return "ENOSYS";
    case Err::Rofs:
        return "EROFS";
    case Err::Busy:
        return "EBUSY";
    case Err::Again:
        return "EAGAIN";
    case Err::Isconn:
        return "EISCONN";
    case Err::TooBig:
        return "E2BIG";
    }
    return "EINVAL";
}

bool parse_perm(const char* s, Perm* out) {
    if (!s || (s[0] != 'n' && s[0] != 'r' && s[0] != 'w' && s[0] != 'b')) return false;
    uint64_t id;
    if (!proto::parse_uint(s + 1, &id) || id > 0xffff) return false;
    *out = {static_cast<domid_t>(id), s[0]};
    return true;
}

Store::Store(WatchFn fn, void* ctx) : Store(fn, ctx, Limits{}) {}

Store::Store(WatchFn fn, void* ctx, const Limits& limits)
    : watch_fn_(fn), watch_ctx_(ctx), limits_(limits), live_(new_tree()) {
    // The skeleton every toolstack expects.
    write(kPrivileged, -1, 0, "/local/domain", "", 0);
    write(kPrivileged, -1, 0, "/tool", "", 0);
}

Store::~Store() {
    while (txs_) {
        Transaction* t = txs_;
        txs_ = t->next;
        delete_tree(t->tree);
        while (t->changes) {
            Change* c = t->changes;
            t->changes = c->next;
            ::free(c->path);
            delete c;
        }
        delete t;
    }
    while (watches_) {
        Watch* w = watches_;
        watches_ = w->next;
        ::free(w->path);
        ::free(w->abs);
        ::free(w->token);
        delete w;
    }
    delete_tree(live_);
}

size_t Store::node_count() const {
    return live_ ? count_nodes(live_->root) : 0;
}

void Store::domain_path(domid_t domid, Buf& out) {
    out.append_str("/local/domain/");
    out.append_uint(domid);
}

Err Store::resolve(domid_t caller, const char* path, Buf& abs) const {
    if (!path || !*path) return Err::Inval;
    if (path[0] == '/') {
        abs.append_str(path);
    } else {
        if (strlen(path) > XENSTORE_REL_PATH_MAX) return Err::Inval;
        domain_path(caller, abs);
        abs.append_char('/');
        abs.append_str(path);
    }
    return valid_path(abs.c_str()) ? Err::Ok : Err::Inval;
}

Err Store::tree_for(int conn, uint32_t tx, Tree** t, Transaction** txp) {
    *txp = nullptr;
    if (tx == 0) {
        *t = live_;
        return Err::Ok;
    }
    for (Transaction* x = txs_; x; x = x->next) {
        if (x->id == tx && x->conn == conn) {
            *t = x->tree;
            *txp = x;
            return Err::Ok;
        }
    }
    return Err::Noent;
}

Err Store::locate(domid_t caller, int conn, uint32_t tx, const char* path, Target& at) {
    const Err e = resolve(caller, path, at.abs);
    return e == Err::Ok ? tree_for(conn, tx, &at.tree, &at.tx) : e;
}

Err Store::existing(domid_t caller, int conn, uint32_t tx, const char* path, char mode, Target& at,
                    Node** n) {
    if (const Err e = locate(caller, conn, tx, path, at); e != Err::Ok) return e;
    *n = walk(at.tree, at.abs.c_str());
    if (!*n) return Err::Noent;
    return allowed(caller, *n, mode) ? Err::Ok : Err::Acces;
}

bool Store::can_read(domid_t caller, const Node* n) const {
    return allowed(caller, n, 'r');
}

void Store::changed(Transaction* tx, const char* abs, bool recursive) {
    if (tx) {
        Change* c = new (std::nothrow) Change{tx->changes, proto::dup(abs), recursive};
        if (c && c->path)
            tx->changes = c;
        else
            delete c;
        return;
    }
    ++generation_;
    fire(abs, recursive);
}

void Store::fire(const char* abs, bool recursive) {
    const Node* n = walk(live_, abs);
    for (Watch* w = watches_; w; w = w->next) {
        const char* event = nullptr;
        if (w->abs[0] == '@') continue; // special watches fire only through fire_special()
        if (is_ancestor_or_self(w->abs, abs))
            event = abs;
        else if (recursive && is_ancestor_or_self(abs, w->abs))
            event = w->abs;
        if (!event) continue;
        if (n && !can_read(w->domid, n)) continue;
        // A watch given as a relative path gets relative event paths.
        if (w->path[0] != '/') {
            Buf prefix;
            domain_path(w->domid, prefix);
            prefix.append_char('/');
            if (strncmp(event, prefix.c_str(), prefix.size()) == 0) event += prefix.size();
        }
        watch_fn_(watch_ctx_, w->conn, event, w->token);
    }
}

void Store::fire_special(const char* name) {
    for (Watch* w = watches_; w; w = w->next)
        if (strcmp(w->abs, name) == 0) watch_fn_(watch_ctx_, w->conn, w->path, w->token);
}

Err Store::read(domid_t caller, int conn, uint32_t tx, const char* path, Buf& value) {
    Target at;
    Node* n;
    if (const Err e = existing(caller, conn, tx, path, 'r', at, &n); e != Err::Ok) return e;
    value.append(n->value ? n->value : "", n->vlen);
    return Err::Ok;
}

Err Store::write(domid_t caller, int conn, uint32_t tx, const char* path, const char* value,
                 size_t len) {
    if (len > limits_.max_value) return Err::TooBig;
    Target at;
    if (const Err e = locate(caller, conn, tx, path, at); e != Err::Ok) return e;
    Node* parent = nullptr;
    const char* rest = nullptr;
    Node* n = walk(at.tree, at.abs.c_str(), &parent, &rest);
    if (n) {
        if (!allowed(caller, n, 'w')) return Err::Acces;
    } else {
        // Create the missing nodes under the deepest existing one, which must be writable.
        if (!allowed(caller, parent, 'w')) return Err::Acces;
        size_t missing = 1;
        for (const char* p = rest; *p; ++p)
            missing += *p == '/';
        if (at.tree->count + missing > limits_.max_nodes) return Err::Nospc;
        n = parent;
        while (rest && *rest) {
            const char* slash = strchr(rest, '/');
            const size_t clen = slash ? size_t(slash - rest) : strlen(rest);
            Node* c = new_node(rest, clen, n);
            if (!c) return Err::Nomem;
            ++at.tree->count;
            if (caller != kPrivileged) c->perms.p[0].id = caller; // a domain owns what it creates
            n = c;
            rest += clen;
            if (*rest == '/') ++rest;
        }
    }
    char* v = proto::dup(value ? value : "", len);
    if (!v) return Err::Nomem;
    ::free(n->value);
    n->value = v;
    n->vlen = len;
    changed(at.tx, at.abs.c_str(), false);
    return Err::Ok;
}

Err Store::mkdir(domid_t caller, int conn, uint32_t tx, const char* path) {
    Target at;
    if (const Err e = locate(caller, conn, tx, path, at); e != Err::Ok) return e;
    if (const Node* n = walk(at.tree, at.abs.c_str()))
        return allowed(caller, n, 'w') ? Err::Ok : Err::Acces;
    return write(caller, conn, tx, at.abs.c_str(), "", 0);
}

Err Store::rm(domid_t caller, int conn, uint32_t tx, const char* path) {
    Target at;
    if (const Err e = locate(caller, conn, tx, path, at); e != Err::Ok) return e;
    if (strcmp(at.abs.c_str(), "/") == 0) return Err::Inval;
    Node* parent = nullptr;
    const char* rest = nullptr;
    Node* n = walk(at.tree, at.abs.c_str(), &parent, &rest);
    if (!n) {
        // Removing a missing node is fine when its parent exists (xenstored does the same).
        return (rest && !strchr(rest, '/')) ? Err::Ok : Err::Noent;
    }
    if (!allowed(caller, n, 'w')) return Err::Acces;
    for (Node** p = &n->parent->children; *p; p = &(*p)->next) {
        if (*p == n) {
            *p = n->next;
            break;
        }
    }
    n->next = nullptr;
    at.tree->count -= count_nodes(n);
    free_node(n);
    changed(at.tx, at.abs.c_str(), true);
    return Err::Ok;
}

Err Store::directory(domid_t caller, int conn, uint32_t tx, const char* path, Buf& out) {
    Target at;
    Node* n;
    if (const Err e = existing(caller, conn, tx, path, 'r', at, &n); e != Err::Ok) return e;
    for (const Node* c = n->children; c; c = c->next)
        out.append_strz(c->name);
    return Err::Ok;
}

Err Store::get_perms(domid_t caller, int conn, uint32_t tx, const char* path, Buf& out) {
    Target at;
    Node* n;
    if (const Err e = existing(caller, conn, tx, path, 'r', at, &n); e != Err::Ok) return e;
    for (unsigned i = 0; i < n->perms.n; ++i) {
        out.append_char(n->perms.p[i].mode);
        out.append_uint(n->perms.p[i].id);
        out.append_char(0);
    }
    return Err::Ok;
}

Err Store::set_perms(domid_t caller, int conn, uint32_t tx, const char* path, const Perms& perms) {
    if (perms.n == 0 || perms.n > kMaxPerms) return Err::Inval;
    Target at;
    Node* n;
    if (const Err e = existing(caller, conn, tx, path, 'w', at, &n); e != Err::Ok) return e;
    // Only dom0 hands a node to another owner.
    if (caller != kPrivileged && perms.p[0].id != n->perms.p[0].id) return Err::Acces;
    n->perms = perms;
    changed(at.tx, at.abs.c_str(), false);
    return Err::Ok;
}

Err Store::transaction_start(domid_t caller, int conn, uint32_t* id) {
    unsigned mine = 0;
    for (Transaction* x = txs_; x; x = x->next)
        mine += x->conn == conn;
    if (mine >= limits_.max_tx_per_conn)
        return Err::Again; // xenstored's answer to a transaction quota
    Transaction* x = new (std::nothrow) Transaction{};
    if (!x) return Err::Nomem;
    x->tree = new (std::nothrow) Tree;
    if (x->tree) {
        x->tree->root = clone_node(live_->root, nullptr, &x->tree->count);
        if (!x->tree->root) {
            delete x->tree;
            x->tree = nullptr;
        }
    }
    if (!x->tree) {
        delete x;
        return Err::Nomem;
    }
    x->id = next_tx_++;
    if (next_tx_ == 0) next_tx_ = 1;
    x->conn = conn;
    x->domid = caller;
    x->base_generation = generation_;
    x->next = txs_;
    txs_ = x;
    *id = x->id;
    return Err::Ok;
}

Err Store::transaction_end(domid_t, int conn, uint32_t id, bool commit) {
    Transaction** p = &txs_;
    while (*p && !((*p)->id == id && (*p)->conn == conn))
        p = &(*p)->next;
    Transaction* x = *p;
    if (!x) return Err::Noent;
    *p = x->next;
    Err result = Err::Ok;
    Change* changes = x->changes;
    if (commit && x->base_generation != generation_) {
        result = Err::Again;
    } else if (commit && changes) {
        Tree* old = live_;
        live_ = x->tree;
        x->tree = old;
        ++generation_;
        // Fire in the order the changes were made.
        Change* rev = nullptr;
        while (changes) {
            Change* c = changes;
            changes = c->next;
            c->next = rev;
            rev = c;
        }
        changes = rev;
        for (Change* c = changes; c; c = c->next)
            fire(c->path, c->recursive);
    }
    while (changes) {
        Change* c = changes;
        changes = c->next;
        ::free(c->path);
        delete c;
    }
    delete_tree(x->tree);
    delete x;
    return result;
}

Err Store::watch(domid_t caller, int conn, const char* path, const char* token) {
    if (!path || !token) return Err::Inval;
    Buf abs;
    if (path[0] == '@') {
        if (strcmp(path, "@introduceDomain") != 0 && strcmp(path, "@releaseDomain") != 0)
            return Err::Inval;
        abs.append_str(path);
    } else if (Err e = resolve(caller, path, abs); e != Err::Ok) {
        return e;
    }
    unsigned mine = 0;
    for (Watch* w = watches_; w; w = w->next) {
        mine += w->conn == conn;
        if (w->conn == conn && strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0)
            return Err::Exist;
    }
    if (mine >= limits_.max_watches_per_conn) return Err::Nospc;
    Watch* w = new (std::nothrow)
        Watch{watches_, conn, caller, proto::dup(path), proto::dup(abs.c_str()), proto::dup(token)};
    if (!w || !w->path || !w->abs || !w->token) {
        if (w) {
            ::free(w->path);
            ::free(w->abs);
            ::free(w->token);
        }
        delete w;
        return Err::Nomem;
    }
    watches_ = w;
    return Err::Ok;
}

Err Store::unwatch(domid_t, int conn, const char* path, const char* token) {
    if (!path || !token) return Err::Inval;
    for (Watch** p = &watches_; *p; p = &(*p)->next) {
        Watch* w = *p;
        if (w->conn == conn && strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0) {
            *p = w->next;
            ::free(w->path);
            ::free(w->abs);
            ::free(w->token);
            delete w;
            return Err::Ok;
        }
    }
    return Err::Noent;
}

void Store::drop_connection(int conn) {
    for (Watch** p = &watches_; *p;) {
        Watch* w = *p;
        if (w->conn == conn) {
            *p = w->next;
            ::free(w->path);
            ::free(w->abs);
            ::free(w->token);
            delete w;
        } else {
            p = &w->next;
        }
    }
    for (Transaction* x = txs_; x;) {
        Transaction* next = x->next;
        if (x->conn == conn) transaction_end(x->domid, conn, x->id, false);
        x = next;
    }
}

} // namespace xs
