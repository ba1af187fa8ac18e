import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import {
  NotificationsTestingController,
  provideNotificationsTesting,
} from '@changefeed/angular/testing';
import { Container, Forum } from '../api/models';
import { DemoState } from '../demo-state';
import { ForumDetailComponent } from './forum-detail.component';

const ENGINEERING: Container = { id: 1, name: 'Engineering', forumCount: 1, createdAt: '' };
const PRODUCT: Container = { id: 2, name: 'Product', forumCount: 0, createdAt: '' };
const ROADMAP: Forum = { id: 10, name: 'Roadmap', containerId: 1, createdAt: '' };

function setup() {
  jasmine.clock().install();
  jasmine.clock().mockDate(new Date(0));
  TestBed.configureTestingModule({
    imports: [ForumDetailComponent],
    providers: [provideHttpClient(), provideHttpClientTesting(), provideNotificationsTesting()],
  });
  const state = TestBed.inject(DemoState);
  state.containers.set([ENGINEERING, PRODUCT]);
  const fixture = TestBed.createComponent(ForumDetailComponent);
  const element = fixture.nativeElement as HTMLElement;
  /** Effects run, responses settle, the view renders: what the browser does between events. */
  const settle = async () => {
    for (let i = 0; i < 10; i++) {
      fixture.detectChanges();
      await Promise.resolve();
    }
  };
  /** Past liveResource()'s coalescing window, so the next notification is a burst of its own. */
  const quiet = async () => {
    jasmine.clock().tick(1000);
    await settle();
  };
  const text = (test: string) =>
    element.querySelector(`[data-test="${test}"]`)?.textContent?.trim() ?? null;
  return {
    state,
    element,
    settle,
    quiet,
    text,
    http: TestBed.inject(HttpTestingController),
    server: TestBed.inject(NotificationsTestingController),
  };
}

describe(ForumDetailComponent.name, () => {
  afterEach(() => jasmine.clock().uninstall());

  it('asks to select a forum and subscribes to nothing until one is', async () => {
    const { element, settle, server, http } = setup();
    await settle();
    expect(element.textContent).toContain('Select a forum');
    expect(server.sockets).toEqual([]);
    http.verify();
  });

  it('follows the selected row: loads once confirmed, shows a rename, then the delete', async () => {
    const { state, settle, quiet, text, server, http } = setup();
    state.selectedForumId.set(10);
    await settle();
    http.expectNone('/api/forums/10');
    server.expectSubscribeRows('forums', 10);
    await quiet();
    http.expectOne('/api/forums/10').flush(ROADMAP);
    await settle();
    expect(text('detail-name')).toBe('Roadmap');
    expect(text('detail-container')).toBe('Engineering');
    expect(text('detail-live')).toBe('live');

    server.emit({ collection: 'forums', op: 'update', id: 10 });
    await settle();
    http.expectOne('/api/forums/10').flush({ ...ROADMAP, name: 'Plans', containerId: 2 });
    await settle();
    expect(text('detail-name')).toBe('Plans');
    expect(text('detail-container')).toBe('Product');

    await quiet();
    server.emit({ collection: 'forums', op: 'delete', id: 10 });
    await settle();
    http
      .expectOne('/api/forums/10')
      .flush({ error: { code: 'not_found' } }, { status: 404, statusText: 'Not Found' });
    await settle();
    expect(text('detail-deleted')).toContain('was deleted');
    http.verify();
  });

  it('moves its interest to the next forum selected', async () => {
    const { state, settle, quiet, server, http } = setup();
    state.selectedForumId.set(10);
    await settle();
    server.expectSubscribeRows('forums', 10);
    await quiet();
    http.expectOne('/api/forums/10').flush(ROADMAP);
    state.selectedForumId.set(11);
    await settle();
    server.expectUnsubscribeRows('forums', 10);
    server.expectSubscribeRows('forums', 11);
    await quiet();
    http.expectOne('/api/forums/11').flush({ ...ROADMAP, id: 11, name: 'Hiring' });
    server.verify();
    http.verify();
  });
});
