/**
 * The election as sweep targets: sweep workers import them by module URL and export name, so
 * they live in a module without Vitest.
 */
import { defineScenario } from '@musil/vitest/target'
import { election } from './raft-election.ts'

/** One vote per term: no split-brain on any seed. */
export const correctElection = defineScenario(election())
/** A node that votes twice in a term: some seeds elect two leaders. */
export const buggyElection = defineScenario(election({ buggy: true }))
