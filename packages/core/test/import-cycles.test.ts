import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { packageCycles, specifiers } from '../../../scripts/check-cycles.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))

describe('import cycles (scripts/check-cycles.ts)', () => {
  it('finds none among the sources of packages/', () => {
    expect(packageCycles(root)).toEqual([])
  })

  describe('on a throwaway tree', () => {
    let dir: string | undefined
    afterEach(() => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
    })

    function tree(files: Record<string, string>): string {
      dir = mkdtempSync(join(tmpdir(), 'musil-cycles-'))
      for (const [path, text] of Object.entries(files)) {
        const full = join(dir, 'packages', 'p', 'src', path)
        mkdirSync(join(full, '..'), { recursive: true })
        writeFileSync(full, text)
      }
      return dir
    }

    it('reports a type-only cycle through a re-export, members sorted', () => {
      const at = tree({
        'a.ts': "import type { B } from './sub/b.ts'\nexport type A = B\n",
        'sub/b.ts': "export * from '../c.ts'\nexport type B = 1\n",
        'c.ts': "import {\n  a,\n} from './a.ts'\nexport const c = a\n",
        'd.ts': "import { c } from './c.ts'\n",
      })
      expect(packageCycles(at)).toEqual([
        ['packages/p/src/a.ts', 'packages/p/src/c.ts', 'packages/p/src/sub/b.ts'],
      ])
    })

    it('ignores imports written in comments and package imports', () => {
      const at = tree({
        'a.ts': "/** import { b } from './b.ts' */\n// import './b.ts'\nimport 'node:fs'\n",
        'b.ts': "import { a } from './a.ts'\n",
      })
      expect(packageCycles(at)).toEqual([])
    })
  })

  it('reads static, side-effect and dynamic specifiers', () => {
    expect(
      specifiers("import x from './x.ts'\nimport './y.ts'\nconst z = await import('./z.ts')\n"),
    ).toEqual(['./x.ts', './y.ts', './z.ts'])
  })
})
