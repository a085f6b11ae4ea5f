/** Modules the build generates (see admin/vite.config.ts). */
declare module 'virtual:policy-types' {
  const types: import('./pages/policies/types.js').PolicyTypeInfo[]
  export default types
}
