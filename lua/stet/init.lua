-- stet: the public Lua library.
--
-- `require "stet"` gives the C primitives of stet.core (normalize, validate,
-- and the rest as they are built) plus the Lua layers on top of them. It works
-- inside the `stet` host (which preloads stet.core) and from a plain lua5.4
-- whose package.cpath reaches the built module (build/lib/?.so in the source
-- tree, lib/lua/5.4 under the install prefix).

local core = require "stet.core"

local stet = {}
for name, value in pairs(core) do stet[name] = value end

stet.version = "0.1.0"

-- stet.lsh(opts): an LSH index over MinHash signatures (stet/lsh.lua).
stet.lsh = require("stet.lsh").new

return stet
