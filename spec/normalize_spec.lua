-- spec/normalize_spec.lua: stet.normalize and stet.validate.
local stet = require "stet"


describe("stet.normalize", function()
  it("returns ASCII text unchanged, with no repairs", function()
    local s = "Plain ASCII news text.\nSecond line."
    local out, repaired = stet.normalize(s)
    assert.are.equal(s, out)
    assert.are.equal(0, repaired)
  end)

  it("composes to NFC by default", function()
    assert.are.equal("caf\u{E9}", stet.normalize("cafe\u{301}"))
  end)
end)
