/* core/lua_wire.c: stet.pack(value) -> string and stet.unpack(string) ->
 * value, a compact binary form of plain Lua data (nil, booleans, integers,
 * floats, strings, tables of those) for handing documents and results
 * between the Lua states of worker threads (core/lua_pool.c). The form is
 * private to one build of stet: native byte order, no versioning.
 *
 *   value := 'n' | 'f' | 't' | 'i' int64 | 'd' double | 's' u64 len, bytes
 *          | 'K' u8 k  (the k-th key string seen before, counting from 0)
 *          | 'T' u32 narray, u32 nhash, narray values, nhash (key, value)
 *
 * Key strings: the first KEYS table keys that are strings of at most
 * KEY_MAX bytes are numbered in the order they are first written; a key
 * written again is 'K' and its number. A batch of documents repeats the
 * same few field names hundreds of times, and each would otherwise be
 * copied, then hashed and interned again by the reader.
 *          | 'L' pointer   (a light userdata such as lua-cjson's null, which
 *                           is the same value in every state of a process)
 *
 * Tables nest at most 100 deep (a cycle is an error, not a hang). */
#include <stdint.h>
#include <string.h>

#include "json.h"
#include "lua_stet.h"

#define MAX_DEPTH 100


/* The output lives in a stet_buf owned by a box on the stack (so a Lua
 * error frees it), not a luaL_Buffer, because packing pushes and pops
 * values between appends. */
#define KEYS 256
#define KEY_MAX 40   /* Lua's short strings: interned, so equal means same pointer */
#define KEY_SLOTS 512

/* One per Lua state, kept from call to call (an upvalue of stet.pack):
 * packing never calls back into Lua, so one pack runs at a time, and a
 * pack starts by taking a new generation, which empties the slots of the
 * one before (an error may have stopped it anywhere) without clearing
 * them. */
typedef struct packer {
  lua_State *L;
  stet_buf *out;
  stet_buf buf;                    /* out: kept unless it grew big */
  const char *slot_ptr[KEY_SLOTS]; /* key string -> number, by address */
  uint32_t slot_gen[KEY_SLOTS];    /* a slot is taken when it is gen */
  unsigned char slot_num[KEY_SLOTS];
  uint32_t gen;
  size_t nkeys;
  int sorted; /* table keys in a fixed order (files), not the walk's */
} packer;

/* The slot of key string s: where it is, or the empty one it would go to. */
static size_t key_slot(const packer *b, const char *s) {
  size_t h = ((uintptr_t)s >> 4) * UINT64_C(0x9E3779B97F4A7C15) >> 55; /* 9 bits */
  while (b->slot_gen[h] == b->gen && b->slot_ptr[h] != s) h = (h + 1) & (KEY_SLOTS - 1);
  return h;
}

static void pack_value(lua_State *L, packer *b, int idx, int depth);
static void pack_key(lua_State *L, packer *b, int idx, int depth);

/* Room for n more bytes at the end of the output. */
static inline char *room(packer *b, size_t n) {
  stet_buf *o = b->out;
  if (o->cap - o->len < n && stet_buf_reserve(o, n)) luaL_error(b->L, "not enough memory");
  return o->data + o->len;
}

/* A tag byte and a fixed-size value. */
static inline void put_tagged(packer *b, char tag, const void *p, size_t n) {
  char *w = room(b, 1 + n);
  w[0] = tag;
  if (n) memcpy(w + 1, p, n);
  b->out->len += 1 + n;
}

/* The rank of a key's type in the fixed order: numbers, strings,
 * booleans, the rest (whose order among themselves is not fixed). */
static int key_rank(lua_State *L, int i) {
  switch (lua_type(L, i)) {
  case LUA_TNUMBER: return 0;
  case LUA_TSTRING: return 1;
  case LUA_TBOOLEAN: return 2;
  default: return 3;
  }
}

/* Is the key at a before the key at b in the fixed order? */
static int key_before(lua_State *L, int a, int b) {
  int ra = key_rank(L, a), rb = key_rank(L, b);
  if (ra != rb) return ra < rb;
  if (ra == 0) {
    if (lua_isinteger(L, a) && lua_isinteger(L, b)) return lua_tointeger(L, a) < lua_tointeger(L, b);
    return lua_tonumber(L, a) < lua_tonumber(L, b);
  }
  if (ra == 1) {
    size_t na, nb;
    const char *sa = lua_tolstring(L, a, &na), *sb = lua_tolstring(L, b, &nb);
    int c = memcmp(sa, sb, na < nb ? na : nb);
    return c < 0 || (c == 0 && na < nb);
  }
  if (ra == 2) return !lua_toboolean(L, a) && lua_toboolean(L, b);
  return 0;
}

/* Is key k of the table's hash part (the array part is 1..narr)? */
static int hash_key(lua_State *L, int k, lua_Integer narr) {
  return !(narr > 0 && lua_isinteger(L, k) && lua_tointeger(L, k) >= 1 && lua_tointeger(L, k) <= narr);
}

/* Packs key and value for the key at stack index k of the table at idx. */
static void pack_entry(lua_State *L, packer *b, int idx, int k, int depth) {
  lua_pushvalue(L, k);
  lua_pushvalue(L, -1);
  lua_rawget(L, idx);
  int top = lua_gettop(L);
  pack_key(L, b, top - 1, depth + 1);
  pack_value(L, b, top, depth + 1);
  lua_pop(L, 2);
}

#define SORT_ON_STACK 64

/* Packs the keys of the table at idx past its array part 1..narr, and
 * their values, in the fixed order of key_before. Up to SORT_ON_STACK keys
 * (the tables written to files have a dozen) are pushed on the stack and
 * their slots sorted by insertion, without a table; more are gathered into
 * a list and sorted there. The count of keys. */
static uint32_t pack_sorted(lua_State *L, packer *b, int idx, lua_Integer narr, int depth) {
  int base = lua_gettop(L), n = 0;
  luaL_checkstack(L, SORT_ON_STACK + 4, "stet.pack");
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (!hash_key(L, -1, narr)) continue;
    if (n == SORT_ON_STACK) break;
    lua_pushvalue(L, -1); /* the key stays below the walk's copy */
    lua_insert(L, -2);
    n++;
  }
  if (lua_gettop(L) == base + n) { /* the walk ended: every key is on the stack */
    int slot[SORT_ON_STACK];
    for (int i = 0; i < n; i++) {
      int j = i;
      for (; j > 0 && key_before(L, base + 1 + i, slot[j - 1]); j--) slot[j] = slot[j - 1];
      slot[j] = base + 1 + i;
    }
    for (int i = 0; i < n; i++) pack_entry(L, b, idx, slot[i], depth);
    lua_settop(L, base);
    return (uint32_t)n;
  }
  lua_settop(L, base); /* many keys: sorted in a list */
  lua_newtable(L);
  int list = lua_gettop(L);
  lua_Integer m = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (!hash_key(L, -1, narr)) continue;
    lua_pushvalue(L, -1);
    lua_rawseti(L, list, ++m);
  }
  for (lua_Integer i = 2; i <= m; i++) { /* insertion sort of list[1..m] */
    lua_rawgeti(L, list, i);
    lua_Integer j = i - 1;
    for (; j >= 1; j--) {
      lua_rawgeti(L, list, j);
      if (!key_before(L, -2, -1)) {
        lua_pop(L, 1);
        break;
      }
      lua_rawseti(L, list, j + 1);
    }
    lua_rawseti(L, list, j + 1);
  }
  for (lua_Integer i = 1; i <= m; i++) {
    lua_rawgeti(L, list, i);
    pack_entry(L, b, idx, lua_gettop(L), depth);
    lua_pop(L, 1);
  }
  lua_settop(L, base);
  return (uint32_t)m;
}

/* Packs the table at idx: its array part 1..n (up to the first nil), then
 * every other key, in one walk (or in order, when sorted); the count of
 * other keys is written when known. */
static void pack_table(lua_State *L, packer *b, int idx, int depth) {
  if (depth > MAX_DEPTH) luaL_error(L, "stet.pack: tables nested too deep (a cycle?)");
  luaL_checkstack(L, 6, "stet.pack");
  lua_Integer narr = (lua_Integer)lua_rawlen(L, idx);
  uint32_t na = (uint32_t)narr, nhash = 0;
  char *w = room(b, 9);
  w[0] = 'T';
  memcpy(w + 1, &na, sizeof na);
  size_t at = b->out->len + 5; /* where nhash goes */
  b->out->len += 9;
  for (lua_Integer i = 1; i <= narr; i++) {
    lua_rawgeti(L, idx, i);
    pack_value(L, b, lua_gettop(L), depth + 1);
    lua_pop(L, 1);
  }
  if (b->sorted) {
    nhash = pack_sorted(L, b, idx, narr, depth);
    memcpy(b->out->data + at, &nhash, sizeof nhash);
    return;
  }
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int k = lua_gettop(L) - 1;
    if (!(narr > 0 && lua_isinteger(L, k) && lua_tointeger(L, k) >= 1 && lua_tointeger(L, k) <= narr)) {
      pack_key(L, b, k, depth + 1);
      pack_value(L, b, k + 1, depth + 1);
      nhash++;
    }
    lua_pop(L, 1);
  }
  memcpy(b->out->data + at, &nhash, sizeof nhash);
}

/* Appends the value at idx (an absolute index). */
static void pack_value(lua_State *L, packer *b, int idx, int depth) {
  switch (lua_type(L, idx)) {
  case LUA_TNIL: put_tagged(b, 'n', NULL, 0); break;
  case LUA_TBOOLEAN: put_tagged(b, lua_toboolean(L, idx) ? 't' : 'f', NULL, 0); break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) {
      int64_t v = (int64_t)lua_tointeger(L, idx);
      put_tagged(b, 'i', &v, sizeof v);
    } else {
      double d = (double)lua_tonumber(L, idx);
      put_tagged(b, 'd', &d, sizeof d);
    }
    break;
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    uint64_t len = n;
    char *w = room(b, 9 + n);
    w[0] = 's';
    memcpy(w + 1, &len, sizeof len);
    memcpy(w + 9, s, n);
    b->out->len += 9 + n;
    break;
  }
  case LUA_TTABLE: pack_table(L, b, idx, depth); break;
  case LUA_TLIGHTUSERDATA: {
    void *ptr = lua_touserdata(L, idx);
    put_tagged(b, 'L', &ptr, sizeof ptr);
    break;
  }
  default:
    luaL_error(L, "stet.pack: cannot pack a %s", luaL_typename(L, idx));
  }
}

/* Appends the table key at idx: a number of a key string seen before, or
 * the value (a short string key is numbered as it goes). */
static void pack_key(lua_State *L, packer *b, int idx, int depth) {
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    if (n <= KEY_MAX) {
      size_t h = key_slot(b, s);
      if (b->slot_gen[h] == b->gen) {
        char *w = room(b, 2);
        w[0] = 'K';
        w[1] = (char)b->slot_num[h];
        b->out->len += 2;
        return;
      }
      if (b->nkeys < KEYS) {
        b->slot_ptr[h] = s; /* the string stays alive: it is a key of a table being packed */
        b->slot_gen[h] = b->gen;
        b->slot_num[h] = (unsigned char)b->nkeys++;
      }
    }
  }
  pack_value(L, b, idx, depth);
}

int stet_wire_strings(stet_buf *out, const char *const *keys, const char *const *vals,
                      const size_t *lens, size_t n) {
  uint32_t narr = 0, nhash = 0;
  for (size_t i = 0; i < n; i++) nhash += vals[i] != NULL;
  if (stet_buf_append(out, "T", 1) || stet_buf_append(out, &narr, 4) ||
      stet_buf_append(out, &nhash, 4))
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (!vals[i]) continue;
    const char *s[2] = {keys[i], vals[i]};
    uint64_t len[2] = {strlen(keys[i]), lens[i]};
    for (int k = 0; k < 2; k++)
      if (stet_buf_append(out, "s", 1) || stet_buf_append(out, &len[k], 8) ||
          stet_buf_append(out, s[k], (size_t)len[k]))
        return -1;
  }
  return 0;
}

/* Starts a pack with pk into out. */
static void pack_start(lua_State *L, packer *pk, stet_buf *out) {
  pk->L = L;
  pk->out = out;
  pk->nkeys = 0;
  pk->sorted = 0;
  if (++pk->gen == 0) { /* after 2^32 packs: no slot may look taken */
    memset(pk->slot_gen, 0, sizeof pk->slot_gen);
    pk->gen = 1;
  }
}

/* stet.pack(value [, sorted]) -> string. With sorted, the keys of every
 * table come in a fixed order (numbers, strings bytewise, booleans), so
 * equal data packs to equal bytes from run to run (files); without, in
 * the order of a walk of the table, which Lua's hash seeds change.
 * [-0, +1] */
static int l_pack(lua_State *L) {
  luaL_checkany(L, 1);
  int sorted = lua_toboolean(L, 2);
  lua_settop(L, 1);
  packer *pk = lua_touserdata(L, lua_upvalueindex(1)); /* big for the C stack of a worker */
  pk->buf.len = 0;
  pack_start(L, pk, &pk->buf);
  pk->sorted = sorted;
  pack_value(L, pk, 1, 0);
  lua_pushlstring(L, pk->buf.data ? pk->buf.data : "", pk->buf.len);
  stet_buf_trim(&pk->buf, (size_t)8 << 20);
  return 1;
}

/* The registry key of the state's packer (stet_wire_pack). */
static const char packer_key = 0;

void stet_wire_pack(lua_State *L, int idx, stet_buf *out) {
  idx = lua_absindex(L, idx);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &packer_key);
  packer *pk = lua_touserdata(L, -1);
  lua_pop(L, 1); /* (the registry keeps it) */
  if (!pk) luaL_error(L, "stet.pack: the stet module is not loaded in this state");
  pack_start(L, pk, out);
  pack_value(L, pk, idx, 0);
}

static int packer_gc(lua_State *L) {
  packer *pk = lua_touserdata(L, 1);
  stet_buf_free(&pk->buf);
  return 0;
}

typedef struct reader {
  const unsigned char *p, *end;
  int keys;     /* stack index of the array of key strings */
  size_t nkeys;
} reader;

static void take(lua_State *L, reader *r, void *out, size_t n) {
  if ((size_t)(r->end - r->p) < n) luaL_error(L, "stet.unpack: truncated data");
  memcpy(out, r->p, n);
  r->p += n;
}

static void unpack_value(lua_State *L, reader *r, int depth);

/* Pushes the next table key: as unpack_value, and key strings are
 * numbered as pack_key numbers them. [-0, +1] */
static void unpack_key(lua_State *L, reader *r, int depth) {
  if (r->p < r->end && *r->p == 'K') {
    if (r->end - r->p < 2) luaL_error(L, "stet.unpack: truncated data");
    size_t k = r->p[1];
    r->p += 2;
    if (k >= r->nkeys) luaL_error(L, "stet.unpack: bad data (key %d)", (int)k);
    lua_rawgeti(L, r->keys, (lua_Integer)k + 1);
    return;
  }
  int is_str = r->p < r->end && *r->p == 's';
  unpack_value(L, r, depth);
  if (is_str && lua_rawlen(L, -1) <= KEY_MAX && r->nkeys < KEYS) {
    lua_pushvalue(L, -1);
    lua_rawseti(L, r->keys, (lua_Integer)++r->nkeys);
  }
}

/* Pushes the next value. [-0, +1] */
static void unpack_value(lua_State *L, reader *r, int depth) {
  if (depth > MAX_DEPTH) luaL_error(L, "stet.unpack: nested too deep");
  luaL_checkstack(L, 4, "stet.unpack");
  unsigned char tag;
  take(L, r, &tag, 1);
  switch (tag) {
  case 'n': lua_pushnil(L); break;
  case 'f': lua_pushboolean(L, 0); break;
  case 't': lua_pushboolean(L, 1); break;
  case 'i': { int64_t v; take(L, r, &v, sizeof v); lua_pushinteger(L, (lua_Integer)v); break; }
  case 'd': { double d; take(L, r, &d, sizeof d); lua_pushnumber(L, (lua_Number)d); break; }
  case 'L': { void *ptr; take(L, r, &ptr, sizeof ptr); lua_pushlightuserdata(L, ptr); break; }
  case 's': {
    uint64_t len;
    take(L, r, &len, sizeof len);
    if ((uint64_t)(r->end - r->p) < len) luaL_error(L, "stet.unpack: truncated data");
    lua_pushlstring(L, (const char *)r->p, (size_t)len);
    r->p += len;
    break;
  }
  case 'T': {
    uint32_t na, nh;
    take(L, r, &na, sizeof na);
    take(L, r, &nh, sizeof nh);
    if ((size_t)(r->end - r->p) < (size_t)na + 2u * nh) luaL_error(L, "stet.unpack: truncated data");
    lua_createtable(L, (int)na, (int)nh);
    for (uint32_t i = 1; i <= na; i++) {
      unpack_value(L, r, depth + 1);
      lua_rawseti(L, -2, i);
    }
    for (uint32_t i = 0; i < nh; i++) {
      unpack_key(L, r, depth + 1);
      unpack_value(L, r, depth + 1);
      if (lua_isnil(L, -2)) luaL_error(L, "stet.unpack: nil key");
      lua_rawset(L, -3);
    }
    break;
  }
  default:
    luaL_error(L, "stet.unpack: bad data (tag %d)", (int)tag);
  }
}

/* stet.unpack(string) -> value [-0, +1] */
void stet_wire_unpack(lua_State *L, const char *s, size_t n) {
  luaL_checkstack(L, 8, "stet.unpack");
  lua_createtable(L, 16, 0); /* the key strings */
  reader r = {(const unsigned char *)s, (const unsigned char *)s + n, lua_gettop(L), 0};
  unpack_value(L, &r, 0);
  if (r.p != r.end) luaL_error(L, "stet.unpack: %d bytes of trailing data", (int)(r.end - r.p));
  lua_remove(L, -2);
}

static int l_unpack(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lua_settop(L, 1);
  stet_wire_unpack(L, s, n);
  return 1;
}

/* stet.json_quote(s) -> the JSON string literal of s (stet_json_quote):
 * quotes, backslash, C0 controls and DEL escaped, every other byte (UTF-8
 * included) as it is. [-0, +1] */
#define QUOTE_CHUNK 4096

static int l_json_quote(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  luaL_Buffer b;
  luaL_buffinit(L, &b); /* short strings stay in its own space */
  luaL_addchar(&b, '"');
  for (size_t i = 0; i < n; i += QUOTE_CHUNK) { /* room for 6 bytes per byte */
    size_t k = n - i < QUOTE_CHUNK ? n - i : QUOTE_CHUNK;
    char *out = luaL_prepbuffsize(&b, 6 * k);
    luaL_addsize(&b, stet_json_escape_to(out, s + i, k));
  }
  luaL_addchar(&b, '"');
  luaL_pushresult(&b);
  return 1;
}

static const luaL_Reg funcs[] = {
  {"json_quote", l_json_quote},
  {"unpack", l_unpack},
  {NULL, NULL},
};

void stet_lua_open_wire(lua_State *L) {
  luaL_setfuncs(L, funcs, 0);
  packer *pk = lua_newuserdatauv(L, sizeof *pk, 0); /* stet.pack's upvalue */
  memset(pk, 0, sizeof *pk);
  lua_newtable(L);
  lua_pushcfunction(L, packer_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &packer_key);
  lua_pushcclosure(L, l_pack, 1);
  lua_setfield(L, -2, "pack");
}
