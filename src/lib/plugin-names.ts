/** The optional HTTP plugins, in a module without zod so commands can name them without loading the contract. */
export const PLUGIN_NAMES = ['rest', 'mcp-http'] as const
export type PluginName = (typeof PLUGIN_NAMES)[number]
