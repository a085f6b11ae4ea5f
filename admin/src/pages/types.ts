import type { Route } from '../router.js'

/** Every page receives the current route (its parts after the page's own name and its query). */
export interface PageProps {
  route: Route
}
