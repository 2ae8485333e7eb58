#!/usr/bin/python3
# Tests of tools/check-structure on small trees made here: a clean tree passes, and each rule
# reports its breach (a docs/ citation of a missing section, numbered or named, also when the
# citation wraps onto the next comment line; a folder missing from the README's layout table;
# model/base importing another folder; two folders importing each other).
# Run by ctest as unit.check_structure.
import os
import subprocess
import tempfile
import unittest

# unit.structure reads this file too: every citation below names a section that the repository's
# own docs have, and is broken only in the small trees, whose docs have fewer sections.
TOOL = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "tools", "check-structure")

BACKGROUND = """# Background

## 1. First

## 2. Second
"""

DESIGN = """# Design

## Layering
"""

README = """# tree

## Repository layout

```
docs/            the docs
model/{base,pe}/ two units
tb/unit/pe/      a test folder
```
"""


class CheckStructureTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        self.write("docs/background.md", BACKGROUND)
        self.write("docs/design.md", DESIGN)
        self.write("README.md", README)
        self.write("model/base/unit.h",
                   '// Cites docs/background.md, section 2 and docs/design.md, "Layering".\n')
        self.write("model/pe/pe.h", '#include "model/base/unit.h"\n// docs/background.md,\n'
                   "// sections 1-2, wrapped.\n")
        self.write("tb/unit/pe/pe_test.cc", '#include "model/pe/pe.h"\n')

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def run_tool(self):
        # Not a git checkout: the tool falls back to the folders that hold a file.
        p = subprocess.run(["/usr/bin/python3", TOOL, "--root", self.root], capture_output=True,
                           text=True)
        return p.returncode, p.stdout

    def assert_problem(self, text):
        code, out = self.run_tool()
        self.assertEqual(code, 1, out)
        self.assertIn(text, out)
        self.assertIn("1 problem(s)", out)

    def test_clean_tree_passes(self):
        code, out = self.run_tool()
        self.assertEqual(code, 0, out)
        self.assertIn("0 problem(s)", out)

    def test_numbered_section_that_does_not_exist(self):
        self.write("model/pe/pe.h", "// docs/background.md, section 3\n")
        self.assert_problem("model/pe/pe.h:1 cites docs/background.md, section 3, which has no "
                            "heading '## 3.'")

    def test_wrapped_range_reaching_past_the_last_section(self):
        self.write("model/pe/pe.h", "// see docs/background.md,\n// sections 2-3 for it\n")
        self.assert_problem("model/pe/pe.h:1 cites docs/background.md, section 3")

    def test_named_section_that_does_not_exist(self):
        self.write("model/pe/pe.h", '# docs/design.md, "Tests"\n')
        self.assert_problem('cites docs/design.md, "Tests", which is not a heading there')

    def test_missing_doc_file(self):
        self.write("model/pe/pe.h", "// docs/style.md, section 1\n")
        self.assert_problem("model/pe/pe.h:1 names 'docs/style.md', which is not in the "
                            "repository")

    def test_folder_missing_from_the_layout_table(self):
        self.write("tb/sc/pe/pe_test.cc", "\n")
        self.assert_problem("README.md: the layout table does not list the folder tb/sc/pe/")

    def test_folder_listed_through_a_file_in_it(self):
        self.write("cmake/rtl.cmake", "\n")
        self.write("README.md", README.replace("docs/ ", "cmake/rtl.cmake the RTL build\ndocs/ "))
        code, out = self.run_tool()
        self.assertEqual(code, 0, out)

    def test_base_imports_another_folder(self):
        self.write("model/base/unit.h", '#include "model/pe/pe.h"\n')
        code, out = self.run_tool()
        self.assertEqual(code, 1, out)
        self.assertIn("model/base includes model/pe/ (model/base/unit.h:1)", out)

    def test_folders_importing_each_other(self):
        self.write("model/dma/dma.h", '#include "model/glb/glb.h"\n')
        self.write("model/glb/glb.h", '#include "model/dma/dma.h"\n')
        self.write("README.md", README.replace("model/{base,pe}/", "model/{base,pe,dma,glb}/"))
        self.assert_problem("model/ folders import each other: dma -> glb (model/dma/dma.h:1); "
                            "glb -> dma (model/glb/glb.h:1)")


if __name__ == "__main__":
    unittest.main()
