# Written for crosscheck's tests: the constructs of Django 1.5.x's setup.py (a warning decided
# by a loop over install locations, packages and package data collected by walking the tree, a
# version imported from the package, a message formatted with % after the call), with its
# literal metadata. Not Django's code.
from distutils.core import setup
from distutils.sysconfig import get_python_lib
import os
import sys

previous_install = None
if "install" in sys.argv:
    for site_dir in get_python_lib(), get_python_lib(prefix="/usr/local"):
        candidate = os.path.abspath(os.path.join(site_dir, "django"))
        if os.path.exists(candidate):
            previous_install = candidate
            break


def path_parts(path):
    head, tail = os.path.split(path)
    return (path_parts(head) if head and head != path else []) + ([tail] if tail else [])


EXCLUDED = ['django.conf.project_template', 'django.conf.app_template', 'django.bin']


def wanted(package):
    return not any(package.startswith(excluded) for excluded in EXCLUDED)


packages, package_data = [], {}
if os.path.dirname(__file__):
    os.chdir(os.path.dirname(__file__))
for top, subdirectories, files in os.walk('django'):
    subdirectories[:] = [d for d in subdirectories if not d.startswith('.') and d != '__pycache__']
    parts = path_parts(top)
    if '__init__.py' in files and wanted('.'.join(parts)):
        packages.append('.'.join(parts))
    elif files:
        inside = []
        while '.'.join(parts) not in packages:
            inside.insert(0, parts.pop())
        package_data.setdefault('.'.join(parts), []).extend(
            os.path.join(os.path.join(*inside), name) for name in files)

version = __import__('django').get_version()

setup(
    name='Django',
    version=version,
    url='http://www.djangoproject.com/',
    author='Django Software Foundation',
    author_email='foundation@djangoproject.com',
    description=('A high-level Python Web framework that encourages '
                 'rapid development and clean, pragmatic design.'),
    download_url='https://www.djangoproject.com/m/releases/1.5/Django-1.5.12.tar.gz',
    license='BSD',
    packages=packages,
    package_data=package_data,
    scripts=['django/bin/django-admin.py'],
    classifiers=[
        'Development Status :: 5 - Production/Stable',
        'Environment :: Web Environment',
        'Framework :: Django',
        'Intended Audience :: Developers',
        'License :: OSI Approved :: BSD License',
        'Operating System :: OS Independent',
        'Programming Language :: Python',
        'Programming Language :: Python :: 2',
        'Programming Language :: Python :: 2.6',
        'Programming Language :: Python :: 2.7',
        'Programming Language :: Python :: 3',
        'Programming Language :: Python :: 3.2',
        'Programming Language :: Python :: 3.3',
        'Topic :: Internet :: WWW/HTTP',
        'Topic :: Internet :: WWW/HTTP :: Dynamic Content',
        'Topic :: Internet :: WWW/HTTP :: WSGI',
        'Topic :: Software Development :: Libraries :: Application Frameworks',
        'Topic :: Software Development :: Libraries :: Python Modules',
    ],
)

if previous_install:
    sys.stderr.write("""
An older Django is installed at %(where)s; remove it and install again.
""" % {"where": previous_install})
