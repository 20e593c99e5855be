import { atomicCommitChapter } from './atomic-commit/chapter.ts'

for (let i = 0; i < 3; i++) {
  let t = performance.now()
  atomicCommitChapter.bug()
  const a = Math.round(performance.now() - t)
  t = performance.now()
  atomicCommitChapter.fix()
  console.log(a, Math.round(performance.now() - t))
}
