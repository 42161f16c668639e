-- luacheck configuration for the Lua parts of stet.
std = "lua54"
max_line_length = 120
codes = true
files["spec/"] = { std = "+busted", max_line_length = false }
-- analysis scripts and rule files may use the `stet` global set by `stet run`
files["scripts/"] = { read_globals = { "stet" } }
files["examples/"] = { read_globals = { "stet" } }
files["bench/primitives.lua"] = { read_globals = { "stet" } }
