import { createRouter } from '@tanstack/react-router';
import { bindNavigation } from '../routing/router.ts';
import { parseSearchString, stringifySearch } from '../routing/search-string.ts';
import { routeTree } from './route-tree.tsx';

/** The app's one router: flat text query strings (routing/search-string.ts), typed per route by `validateSearch`. */
export const router = createRouter({ routeTree, parseSearch: parseSearchString, stringifySearch });
bindNavigation(router);

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
