import { EditorPage } from '../editor/EditorPage.tsx';
import { FlowsPage } from '../flows/FlowsPage.tsx';
import { RunPage } from '../runs/RunPage.tsx';
import { RunsPage } from '../runs/RunsPage.tsx';
import { Link } from './Link.tsx';
import { matchRoute, paths, useLocationPath } from './router.ts';

export function App() {
  const route = matchRoute(useLocationPath());
  return (
    <div className="app">
      <nav className="app-nav">
        <Link to={paths.flows()} className="brand">
          <span className="brand-mark">◆</span> Pipewright
        </Link>
      </nav>
      <main className="app-main">
        {route.name === 'flows' && <FlowsPage />}
        {route.name === 'editor' && <EditorPage key={route.flowId} flowId={route.flowId} />}
        {route.name === 'flowRuns' && <RunsPage key={route.flowId} flowId={route.flowId} />}
        {route.name === 'run' && <RunPage key={route.runId} runId={route.runId} />}
        {route.name === 'notFound' && (
          <div className="page">
            <h1>Not found</h1>
            <Link to={paths.flows()}>Go to flows</Link>
          </div>
        )}
      </main>
    </div>
  );
}
