-- spec/check_spec.lua: stet check on passing and failing cases.
local h = require "spec.support.helpers"

local RULE = 'return { name = "mini", head = { "title" }, drop = { promo = "^Promo:" } }'

describe("stet check", function()
  it("passes matching cases and shows a diff for each failing one, exit 2", function()
    local dir = h.tree({
      ["mini.lua"] = RULE,
      ["mini.cases/good.txt"] = "A headline\n\nFirst para.\n\nPromo: buy now",
      ["mini.cases/good.json"] = '{"title": "A headline", "text": "First para.", "date": null}',
      ["mini.cases/bad.txt"] = "Another headline\n\nBody one.\n\nBody two.",
      ["mini.cases/bad.json"] = '{"title": "Wrong", "text": "Body one.\\n\\nBody 2."}',
      ["mini.cases/nojson.txt"] = "x",
    })
    local out, _, code = h.run({ "check", "-v", dir })
    h.rmtree(dir)
    assert.are.equal(2, code)
    assert.matches("ok    mini: good\n", out, 1, true)
    assert.matches("FAIL  mini: bad", out, 1, true)
    assert.matches('  title: expected "Wrong", got "Another headline"', out, 1, true)
    assert.matches("    Body one.\n    \n  - Body 2.\n  + Body two.\n", out, 1, true)
    assert.matches("FAIL  mini: nojson", out, 1, true)
    assert.matches("no expected record nojson.json", out, 1, true)
    assert.matches("3 cases: 1 passed, 2 failed\n$", out)
  end)
end)
