import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@edusync/source'] },
  test: { name: 'core', restoreMocks: true },
})
