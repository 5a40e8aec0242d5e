import { RouterProvider } from '@tanstack/react-router';
import { router } from './router.ts';

/** The app: the router renders the shell (sign-in gate, nav) and the page the URL names (route-tree.tsx). */
export function App() {
  return <RouterProvider router={router} />;
}
