import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import {
  NotificationsTestingController,
  provideNotificationsTesting,
} from '@changefeed/angular/testing';
import { Container, Forum } from '../api/models';
import { DemoState } from '../demo-state';
import { COALESCE_MS } from '../containers/containers.component';
import { BURST_SIZE, ForumsComponent } from './forums.component';

const CONTAINERS: Container[] = [
  { id: 1, name: 'Engineering', forumCount: 1, createdAt: '' },
  { id: 2, name: 'Product', forumCount: 0, createdAt: '' },
];
const ROADMAP: Forum = { id: 10, name: 'Roadmap', containerId: 1, createdAt: '' };

function setup() {
  TestBed.configureTestingModule({
    imports: [ForumsComponent],
    providers: [provideHttpClient(), provideHttpClientTesting(), provideNotificationsTesting()],
  });
  TestBed.inject(DemoState).containers.set(CONTAINERS);
  const fixture = TestBed.createComponent(ForumsComponent);
  fixture.detectChanges();
  return {
    fixture,
    http: TestBed.inject(HttpTestingController),
    server: TestBed.inject(NotificationsTestingController),
    state: TestBed.inject(DemoState),
    element: fixture.nativeElement as HTMLElement,
  };
}

describe(ForumsComponent.name, () => {
  afterEach(() => jasmine.clock().uninstall());

  it('fetches all forums on init and labels each with its container', async () => {
    const { fixture, http, element } = setup();
    http.expectOne('/api/forums').flush([ROADMAP]);
    await fixture.whenStable();
    const row = element.querySelector('[data-forum-id="10"]');
    expect(row?.textContent).toContain('Roadmap');
    expect(row?.textContent).toContain('Engineering');
  });

  it('refetches on a containers notification too: a renamed container changes the labels', () => {
    jasmine.clock().install();
    const { http, server } = setup();
    http.expectOne('/api/forums').flush([ROADMAP]);
    server.expectSubscribe('containers', 'forums');
    http.expectOne('/api/forums').flush([ROADMAP]); // the startup reset
    jasmine.clock().tick(COALESCE_MS);
    server.emit({ collection: 'containers', op: 'update', id: 1 });
    http.expectOne('/api/forums').flush([ROADMAP]);
    http.verify();
  });

  it('refetches the filtered list when another container is selected', async () => {
    const { fixture, http, state } = setup();
    http.expectOne('/api/forums').flush([ROADMAP]);
    state.selectedContainerId.set(2);
    await fixture.whenStable();
    http.expectOne('/api/forums?containerId=2').flush([]);
    http.verify();
  });

  it(`asks the server for a burst of ${BURST_SIZE} into the selected container`, async () => {
    const { fixture, http, state, element } = setup();
    http.expectOne('/api/forums').flush([]);
    state.selectedContainerId.set(2);
    await fixture.whenStable();
    http.expectOne('/api/forums?containerId=2').flush([]);
    (element.querySelector('button.burst') as HTMLButtonElement).click();
    const request = http.expectOne(
      (req) => req.method === 'POST' && req.url === '/api/forums/burst',
    );
    expect(request.request.body).toEqual({ containerId: 2, count: BURST_SIZE });
    request.flush({ containerId: 2, inserted: BURST_SIZE });
    await fixture.whenStable();
    expect(element.textContent).toContain(
      `Inserted ${BURST_SIZE} forums into Product in one transaction.`,
    );
  });

  it('selects a forum for the detail panel', async () => {
    const { fixture, http, element, state } = setup();
    http.expectOne('/api/forums').flush([ROADMAP]);
    await fixture.whenStable();
    (
      element.querySelector('[aria-label="Show details of forum Roadmap"]') as HTMLButtonElement
    ).click();
    expect(state.selectedForumId()).toBe(10);
  });

  it('moves a forum with PATCH {containerId}', async () => {
    const { fixture, http, element } = setup();
    http.expectOne('/api/forums').flush([ROADMAP]);
    await fixture.whenStable();
    (element.querySelector('[aria-label="Move forum Roadmap"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    const select = element.querySelector('#move-forum-10') as HTMLSelectElement;
    select.value = '2';
    (select.closest('form') as HTMLFormElement).requestSubmit();
    const request = http.expectOne((req) => req.method === 'PATCH' && req.url === '/api/forums/10');
    expect(request.request.body).toEqual({ containerId: 2 });
  });
});
